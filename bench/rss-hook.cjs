// Preloaded with `node --require`: prints the process's peak RSS (KiB) to stderr at exit, so a bench
// can read the peak memory of a CLI run without extra tools.
process.on('exit', () => {
  process.stderr.write(`\n__SANDCHECK_MAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
