// Runs an async task now and again every intervalMs after it finished (never two at once), until the returned
// function is called: a page's auto-refresh, stopped when the user leaves the page.
export function poll(task, intervalMs) {
  let stopped = false;
  let timer = null;
  async function run() {
    try {
      await task();
    } finally {
      if (!stopped) timer = setTimeout(run, intervalMs);
    }
  }
  run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
