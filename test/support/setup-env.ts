// Each e2e file gets its own database and Redis key prefix (see test-app.ts); nothing else leaks in.
process.env.NODE_ENV = 'test';
