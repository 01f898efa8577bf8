// Preloaded with `node --require`: prints CPU time (user + system, ms) and peak RSS (KiB) at exit, so the
// bench can report figures that do not depend on how busy the machine is.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\n__SANDCHECK_CPU_MS=${Math.round((u.userCPUTime + u.systemCPUTime) / 1000)}\n__SANDCHECK_MAXRSS_KB=${u.maxRSS}\n`);
});
