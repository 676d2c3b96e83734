// Builds the embedded database binary when it is missing (called by `npm start` and `npm test`).
import { ConfigError, loadDatabaseSetup } from '../server/config.js';
import { EmbeddedDatabaseUnavailable, ensureFerretdbBinary } from '../server/db/ferretdbBinary.js';

try {
  const setup = loadDatabaseSetup();
  if (!setup.MONGODB_URI) ensureFerretdbBinary(setup, (line) => console.log(line));
} catch (error) {
  if (error instanceof EmbeddedDatabaseUnavailable || error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
