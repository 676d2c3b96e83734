// Builds the embedded database binary when it is missing (called by `npm start` and `npm test`).
import { EmbeddedDatabaseUnavailable, ensureFerretdbBinary } from '../server/db/ferretdbBinary.js';

if (process.env.MONGODB_URI) process.exit(0);
try {
  ensureFerretdbBinary(process.env, (line) => console.log(line));
} catch (error) {
  if (error instanceof EmbeddedDatabaseUnavailable) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
