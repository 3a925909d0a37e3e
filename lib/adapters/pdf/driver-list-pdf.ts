/**
 * The driver's list as a PDF, for the printer in the truck's cab or the handling agent's desk.
 * pdf-lib: pure JavaScript with the 14 standard PDF fonts built in, so it bundles into a Lambda
 * with no font files or native parts (pdfkit reads its font metrics from disk at run time, which
 * a bundled function does not have). The standard fonts speak WinAnsi, which covers Norwegian
 * letters; anything outside it is replaced, never allowed to fail the document.
 */
import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import type { DriverList } from '../../domain/driver-list.ts';

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 42;
const LINE = 14;
const FONT_SIZE = 9;
const RED = rgb(0.7, 0, 0);
const BLACK = rgb(0, 0, 0);

/** Columns of the shipment table: heading and x position. */
const COLUMNS = [
  { heading: 'Shipment number', x: MARGIN },
  { heading: 'VOEC number', x: MARGIN + 120 },
  { heading: 'Items', x: MARGIN + 200 },
  { heading: 'MRN', x: MARGIN + 240 },
  { heading: 'Status', x: MARGIN + 390 },
] as const;

export interface DriverListPdfOptions {
  /** When the list was printed, shown in its header (a driver must know how old it is). */
  printedAt: string;
  /** Formats an instant for people (Norway's time zone); the caller decides. */
  formatTime: (iso: string) => string;
}

export async function driverListPdf(list: DriverList, options: DriverListPdfOptions): Promise<Uint8Array> {
  const document = await PDFDocument.create();
  document.setTitle(`Driver's list ${list.reference}`);
  document.setCreator('voec-border');
  const regular = await document.embedFont(StandardFonts.Helvetica);
  const bold = await document.embedFont(StandardFonts.HelveticaBold);
  const writer = new PageWriter(document, regular, bold);

  const { transport } = list;
  writer.text("Driver's list: VOEC shipments on board", { font: bold, size: 14 });
  writer.gap();
  const vehicle =
    transport.mode === 'AIR'
      ? `Flight ${transport.flightNumber ?? ''}`
      : `Vehicle ${transport.vehicleRegistration ?? ''} (${transport.vehicleCountry ?? ''})`;
  writer.text(`${vehicle}    Manifest ${list.reference}`);
  writer.text(`Transport MRN: ${transport.mrn ?? 'not yet accepted by Digitoll'}`);
  writer.text(
    `Border office: ${transport.borderCrossing}    ETA: ${options.formatTime(transport.estimatedArrival)}`,
  );
  writer.text(
    `${list.shipments.length} VOEC shipments; ${list.notAcceptedCount} NOT accepted by Digitoll` +
      (list.notAcceptedCount ? ' (marked NOT ACCEPTED: report them at the customs desk)' : ''),
    { font: list.notAcceptedCount ? bold : regular, color: list.notAcceptedCount ? RED : BLACK },
  );
  writer.text(`Printed ${options.formatTime(options.printedAt)}`);
  writer.gap();
  writer.tableHeader();
  for (const line of list.shipments) {
    writer.row(
      [
        line.shipmentNumber,
        line.voecNumber,
        String(line.itemCount),
        line.mrn ?? '-',
        line.accepted ? line.status : `NOT ACCEPTED (${line.status})`,
      ],
      !line.accepted,
    );
  }
  return document.save();
}

/** Writes lines top to bottom, starting a new page (with the table header again) when one is full. */
class PageWriter {
  private page: PDFPage;
  private y = A4.height - MARGIN;
  private inTable = false;

  constructor(
    private readonly document: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = document.addPage([A4.width, A4.height]);
  }

  text(value: string, style: { font?: PDFFont; size?: number; color?: ReturnType<typeof rgb> } = {}) {
    const size = style.size ?? FONT_SIZE + 1;
    this.room(size + 4);
    this.page.drawText(printable(value, style.font ?? this.regular), {
      x: MARGIN,
      y: this.y,
      size,
      font: style.font ?? this.regular,
      color: style.color ?? BLACK,
    });
    this.y -= size + 4;
  }

  gap() {
    this.y -= LINE / 2;
  }

  tableHeader() {
    this.inTable = true;
    this.cells(
      COLUMNS.map((column) => column.heading),
      this.bold,
      BLACK,
    );
  }

  row(values: string[], warn: boolean) {
    if (this.room(LINE)) this.tableHeader();
    this.cells(values, warn ? this.bold : this.regular, warn ? RED : BLACK);
  }

  private cells(values: string[], font: PDFFont, color: ReturnType<typeof rgb>) {
    values.forEach((value, index) => {
      const column = COLUMNS[index];
      if (column)
        this.page.drawText(printable(value, font), { x: column.x, y: this.y, size: FONT_SIZE, font, color });
    });
    this.y -= LINE;
  }

  /** Starts a new page when `height` does not fit; true if it did. */
  private room(height: number): boolean {
    if (this.y - height >= MARGIN) return false;
    this.page = this.document.addPage([A4.width, A4.height]);
    this.y = A4.height - MARGIN;
    return this.inTable;
  }
}

const characterSets = new WeakMap<PDFFont, Set<number>>();

/** The text with every character the font cannot encode replaced by "?". */
function printable(value: string, font: PDFFont): string {
  let supported = characterSets.get(font);
  if (!supported) {
    supported = new Set(font.getCharacterSet());
    characterSets.set(font, supported);
  }
  return [...value].map((char) => (supported.has(char.codePointAt(0) ?? -1) ? char : '?')).join('');
}
