// Photos of evidence on the offline form: shrunk on the tablet (a JPEG of at most
// LONG_SIDE px, which drops EXIF such as location) and kept with its sha256; sync.js
// sends it once its visit is on the server, under its own uuid (a retry is a no-op).
import { addPhoto, photosOf, removePhoto, setPhotoCaption } from "./db.js";
import { changed, el, photoStorageProblem } from "./page.js";

const LONG_SIDE = 2000;
const MAX_BYTES = 10 * 1024 * 1024;

/** The image as a JPEG of at most LONG_SIDE px, on a white background. */
async function shrink(file) {
  const bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  const scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  const context = canvas.getContext("2d");
  context.fillStyle = "#fff"; // a transparent PNG gets a white background, not black
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("encode"))), "image/jpeg", 0.85));
}

/** The hex sha256 of the bytes, which the server checks (same bytes again: a no-op). */
async function sha256(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Add a photo input, thumbnails, captions and remove buttons to each criterion of the
 * form; `problem(message)` shows what went wrong ("" clears it). */
export function mountPhotos(form, draft, problem) {
  for (const group of form.querySelectorAll("[data-criterion]")) {
    const code = group.dataset.criterion;
    const list = el("ul", { class: "govuk-list app-photos", "data-photos": code });
    const label = el("label", { class: "govuk-label", for: `photo_${code}`, text: `Add a photo for ${code}` });
    const input = el("input", { type: "file", accept: "image/*", id: `photo_${code}`, class: "govuk-file-upload", capture: "environment", "data-photo-input": code });
    input.addEventListener("change", async () => {
      const file = input.files[0];
      input.value = "";
      if (!file) return;
      let blob;
      try {
        blob = await shrink(file);
      } catch {
        return problem(`That file could not be read as a photo (${code}). Try another photo: the visit is still saved.`);
      }
      if (blob.size > MAX_BYTES) return problem(`That photo is over 10 MB even after shrinking (${code}). Try another photo: the visit is still saved.`);
      const row = { uuid: crypto.randomUUID(), visit_uuid: draft.uuid, user_id: draft.user_id, criterion: code, caption: "", blob, sha256: await sha256(blob), added_at: new Date().toISOString() };
      try {
        await addPhoto(row);
      } catch (error) {
        return problem(photoStorageProblem(error));
      }
      problem("");
      list.append(item(row));
      changed();
    });
    group.append(label, input, list);
  }
  photosOf(draft.uuid).then((rows) => rows.forEach((row) => form.querySelector(`[data-photos="${row.criterion}"]`)?.append(item(row))));
}

/** One photo's thumbnail, caption and remove button. */
function item(row) {
  const img = el("img", { src: URL.createObjectURL(row.blob), alt: `Photo for ${row.criterion}`, width: 120 });
  const caption = el("input", { type: "text", value: row.caption, class: "govuk-input govuk-input--width-20", "aria-label": `Caption for this photo (${row.criterion})`, "data-caption": row.uuid });
  caption.addEventListener("input", () => setPhotoCaption(row.uuid, caption.value)); // saved as typed
  const remove = el("button", { type: "button", class: "govuk-button govuk-button--warning govuk-!-margin-bottom-0", text: "Remove photo" });
  const li = el("li", { "data-photo": row.uuid });
  remove.addEventListener("click", async () => {
    await removePhoto(row.uuid);
    URL.revokeObjectURL(img.src);
    li.remove();
  });
  li.append(img, " ", caption, " ", remove);
  return li;
}
