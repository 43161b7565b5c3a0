// Preloaded into a real server process by crash tests (`node --import`): on SIGUSR2 the process fails as a
// handler bug would — an uncaught exception, or an unhandled rejection when TONGKE_TEST_FAULT=rejection.
process.on('SIGUSR2', () => {
  setImmediate(() => {
    if (process.env.TONGKE_TEST_FAULT === 'rejection') void Promise.reject(new Error('test fault: unhandled rejection'));
    else throw new Error('test fault: uncaught exception');
  });
});
