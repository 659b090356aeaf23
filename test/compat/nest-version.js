// Fails the run unless the specs really load the consumer app's Nest (NEST_MAJOR).
const { version } = require('@nestjs/core/package.json');

if (version.split('.')[0] !== process.env.NEST_MAJOR) {
  throw new Error(`expected Nest ${process.env.NEST_MAJOR}, loaded @nestjs/core ${version}`);
}
