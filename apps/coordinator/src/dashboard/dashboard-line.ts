// The start-up line that says where the dashboard is. The token itself is never printed: start-up
// output ends up in logs.

export function dashboardLine(url: string, hasToken: boolean): string {
  return `coordinator: dashboard at ${url}/${hasToken ? ' (open it as …/#token=<cluster token>, or enter the token on the page)' : ''}`;
}
