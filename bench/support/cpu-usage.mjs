// Preloaded (`node --import`) by bench/startup.mjs: at exit, prints the process's CPU time (user
// + system, every thread) on stderr, which a busy machine inflates far less than wall time.
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\nawsaudit-bench-cpu-us ${user + system}\n`);
});
