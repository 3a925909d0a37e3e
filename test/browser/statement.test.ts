/**
 * The VOEC seller statement page. Not real yet: the page reads GET /v1/voec-statements, which the
 * backend does not offer (console/API.md); until then the page says so, and these stay to-dos.
 */
import { describe, it } from 'vitest';

describe('the VOEC seller statement', () => {
  it.todo(
    'shows per VOEC number the shipments, item lines and whole-kroner value of a quarter, with totals that match the API (needs GET /v1/voec-statements)',
  );
  it.todo('downloads the statement as CSV and JSON (needs GET /v1/voec-statements?format=csv)');
  it.todo('a partner sees only its own shipments in the statement (needs GET /v1/voec-statements)');
});
