// Lets a child process end itself when the process that started it is gone, so an embedded cluster
// never leaves orphans behind (even when its parent was SIGKILLed).

export function exitWhenProcessDies(pid: number, onGone: () => void, intervalMs = 1000): void {
  const timer = setInterval(() => {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') {
        clearInterval(timer);
        onGone();
      }
    }
  }, intervalMs);
  timer.unref();
}
