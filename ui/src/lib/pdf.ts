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
