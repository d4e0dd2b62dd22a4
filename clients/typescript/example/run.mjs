// Runs the example portal's tour against a running service and prints what each page got, as JSON.
// Usage: npm run build && npm run example -- <baseUrl> <bearerToken>
import { tour } from '../dist/example/portal.js';

const [baseUrl, token] = process.argv.slice(2);
if (!baseUrl || !token) {
  console.error('Usage: npm run example -- <baseUrl> <bearerToken>');
  process.exit(2);
}
try {
  console.log(JSON.stringify(await tour(baseUrl, token), null, 2));
} catch (error) {
  console.error(error);
  process.exit(1);
}
