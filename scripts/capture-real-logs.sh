#!/usr/bin/env bash
# Captures real access logs for the format tests: the same request sequence is sent to a real nginx
# (logging combined + $request_time, and JSON with escape=json) and a real Apache (combined + %D).
# Needs Debian's nginx-light and apache2 (apt-get install nginx-light apache2). Writes to fixtures/real/.
# The logs are committed; this script documents how they were made and can remake them.
set -euo pipefail
cd "$(dirname "$0")/.."
out="$PWD/fixtures/real"
work="$(mktemp -d)"
trap 'kill $(cat "$work"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$out" "$work/www/static" "$work/nginx/logs" "$work/apache/logs"
chmod 755 "$work"

# Files of different sizes, served at a limited rate, give real, varied response times.
for kb in 1 4 16 64 256; do head -c $((kb * 1024)) /dev/zero > "$work/www/static/file-${kb}k.bin"; done
echo ok > "$work/www/index.html"
mkdir -p "$work/www/api" && echo fine > "$work/www/api/ok"

cat > "$work/nginx/nginx.conf" <<CONF
pid $work/nginx.pid;
error_log $work/nginx/logs/error.log;
events {}
http {
  log_format timed '\$remote_addr - \$remote_user [\$time_local] "\$request" \$status \$body_bytes_sent "\$http_referer" "\$http_user_agent" \$request_time';
  log_format json escape=json '{"time":"\$time_iso8601","remote_addr":"\$remote_addr","request":"\$request","status":"\$status","body_bytes_sent":"\$body_bytes_sent","request_time":"\$request_time","http_referer":"\$http_referer","http_user_agent":"\$http_user_agent"}';
  access_log $out/nginx-timed.log timed;
  access_log $out/nginx.json.log json;
  server {
    listen 127.0.0.1:18080;
    listen [::1]:18080;
    root $work/www;
    limit_rate 512k;
    location /api/boom { return 503; }
    location /api/gone { return 410; }
  }
}
CONF

cat > "$work/apache/apache2.conf" <<CONF
ServerRoot /etc/apache2
PidFile $work/apache.pid
ServerName localhost
Listen 127.0.0.1:18081
Listen [::1]:18081
LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so
LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so
LoadModule mime_module /usr/lib/apache2/modules/mod_mime.so
TypesConfig /etc/mime.types
LoadModule alias_module /usr/lib/apache2/modules/mod_alias.so
LoadModule ratelimit_module /usr/lib/apache2/modules/mod_ratelimit.so
LoadModule env_module /usr/lib/apache2/modules/mod_env.so
User www-data
Group www-data
ErrorLog $work/apache/logs/error.log
DocumentRoot $work/www
<Directory $work/www>
  Require all granted
</Directory>
<Location /static>
  SetOutputFilter RATE_LIMIT
  SetEnv rate-limit 512
</Location>
Redirect 503 /api/boom
Redirect 410 /api/gone
LogFormat "%h %l %u %t \"%r\" %>s %b \"%{Referer}i\" \"%{User-Agent}i\" %D" timed
CustomLog $out/apache-timed.log timed
CONF

rm -f "$out"/nginx-timed.log "$out"/nginx.json.log "$out"/apache-timed.log
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
apache2 -f "$work/apache/apache2.conf" -k start
sleep 1

# A deterministic request mix: paths with query strings, statuses 200/404/410/503, IPv4 and IPv6
# clients, user agents with quotes and non-ASCII bytes, HEAD and POST requests.
send() { # port
  local port=$1 i path ua host method
  for i in $(seq 1 1500); do
    case $((i % 10)) in
      0|1|2) path="/static/file-$(( (i % 5 == 0) ? 256 : (i % 3 == 0) ? 64 : 4 ))k.bin?v=$i" ;;
      3|4) path="/api/ok?user=$((i % 37))" ;;
      5) path="/missing/page-$((i % 7))" ;;
      6) path="/api/boom" ;;
      7) path="/api/gone" ;;
      8) path="/index.html" ;;
      9) path="/static/file-16k.bin" ;;
    esac
    case $((i % 4)) in
      0) ua='Mozilla/5.0 (X11; Linux x86_64) loganalyzer-test' ;;
      1) ua='curl/7.88.1' ;;
      2) ua='Weird "quoted" agent/1.0' ;;
      3) ua='Bücherwurm/2.0 (ünïcode)' ;;
    esac
    host=127.0.0.1; [ $((i % 6)) -eq 0 ] && host='[::1]'
    method=GET; [ $((i % 25)) -eq 0 ] && method=HEAD; [ $((i % 40)) -eq 0 ] && method=POST
    # -X HEAD would wait for a body that never comes; --head is the real HEAD request.
    if [ "$method" = HEAD ]; then set -- --head; else set -- -X "$method"; fi
    curl -s -o /dev/null --max-time 10 "$@" -A "$ua" -e "http://ref.example/$((i % 3))" "http://$host:$port$path" || true
  done
}
send 18080
send 18081
sleep 1
echo "nginx-timed.log: $(wc -l < "$out/nginx-timed.log") lines; nginx.json.log: $(wc -l < "$out/nginx.json.log"); apache-timed.log: $(wc -l < "$out/apache-timed.log")"
