// The preview of a printed PDF: pdf.js (pdfjs-dist, bundled with the app; its worker is a file of the
// app itself, so the CSP's 'self' covers it). pdf.js 5 uses no eval; glyphs are drawn from the PDF's own
// embedded fonts onto the canvas (no font loading through the page).
import { GlobalWorkerOptions, getDocument } from "pdfjs-dist";
import workerUrl from "pdfjs-dist/build/pdf.worker.min.mjs?url";

GlobalWorkerOptions.workerSrc = workerUrl;

export { fromBase64 } from "./bytes";

/** Draws every page of `pdf` into a new canvas appended to `into`, `width` CSS pixels wide. */
export async function renderPdf(pdf: Uint8Array, into: HTMLElement, width: number): Promise<number> {
  const doc = await getDocument({ data: pdf, disableFontFace: true, useSystemFonts: false, enableXfa: false }).promise;
  try {
    into.replaceChildren();
    const ratio = window.devicePixelRatio || 1;
    for (let n = 1; n <= doc.numPages; n++) {
      const page = await doc.getPage(n);
      const base = page.getViewport({ scale: 1 });
      const viewport = page.getViewport({ scale: (width / base.width) * ratio });
      const canvas = document.createElement("canvas");
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
      canvas.className = "pdf-page";
      canvas.dataset.page = String(n);
      canvas.setAttribute("aria-label", `Trang ${n}`);
      into.append(canvas);
      await page.render({ canvas, viewport }).promise;
    }
    return doc.numPages;
  } finally {
    await doc.destroy();
  }
}

const drawings = new WeakMap<HTMLElement, number>();

/**
 * Draws `pdf` off screen, then puts its pages into `box` at once, so that the page does not shrink and
 * grow under the officer's pointer while it is drawn. A later drawing into the same box wins over one
 * still under way: this one then returns null and leaves the box alone; otherwise, the pages drawn.
 * The box is `aria-busy` while it is drawn, and `data-drawings` counts the drawings shown in it.
 */
export async function drawPdf(pdf: Uint8Array, box: HTMLElement, width: number): Promise<number | null> {
  const mine = (drawings.get(box) ?? 0) + 1;
  drawings.set(box, mine);
  box.setAttribute("aria-busy", "true");
  const off = document.createElement("div");
  try {
    const pages = await renderPdf(pdf, off, width);
    if (drawings.get(box) !== mine) return null;
    box.replaceChildren(...off.children);
    box.dataset.drawings = String(Number(box.dataset.drawings ?? 0) + 1);
    return pages;
  } finally {
    if (drawings.get(box) === mine) box.removeAttribute("aria-busy");
  }
}
