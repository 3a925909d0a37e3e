/**
 * The driver's list page. Not real yet: the page reads GET /v1/manifests/{manifestId}/driver-list,
 * which the backend does not offer (console/API.md); until then the page says so.
 */
import { describe, it } from 'vitest';

describe("the driver's list", () => {
  it.todo(
    'lists every VOEC shipment on board with VOEC number, item count, MRN and status, marks the unaccepted, and prints without the navigation (needs GET /v1/manifests/{manifestId}/driver-list)',
  );
  it.todo('downloads the driver’s list as PDF (needs GET /v1/manifests/{manifestId}/driver-list?format=pdf)');
});
