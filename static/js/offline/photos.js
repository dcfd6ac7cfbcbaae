// Photos of evidence on the offline form. A chosen image is shrunk on the tablet (a
// canvas: long side 2000 px at most, JPEG, which also drops any EXIF such as location),
// kept in IndexedDB `photos` with its sha256, and sent after its visit exists on the
// server: one PUT per photo, under the photo's own uuid, so a retry is a no-op (200).
// A photo leaves the tablet only after a 200 or 201.
import { db } from "./db.js";

const LONG_SIDE = 2000;
const MAX_BYTES = 10 * 1024 * 1024;

export async function photosOf(visitUuid) {
  return (await db()).getAllFromIndex("photos", "visit_uuid", visitUuid);
}

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

async function sha256(blob) {
  const digest = await crypto.subtle.digest("SHA-256", await blob.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Add a photo input, thumbnails, captions and remove buttons to each criterion. */
export function mountPhotos(form, draft, problem, changed) {
  for (const group of form.querySelectorAll("[data-criterion]")) {
    const code = group.dataset.criterion;
    const list = document.createElement("ul");
    list.className = "govuk-list app-photos";
    list.dataset.photos = code;
    const label = document.createElement("label");
    label.className = "govuk-label";
    label.htmlFor = `photo_${code}`;
    label.textContent = `Add a photo for ${code}`;
    const input = document.createElement("input");
    Object.assign(input, { type: "file", accept: "image/*", id: `photo_${code}`, className: "govuk-file-upload" });
    input.setAttribute("capture", "environment");
    input.dataset.photoInput = code;
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
        await (await db()).put("photos", row);
      } catch (error) {
        return problem(error?.name === "QuotaExceededError" ? "This tablet's storage is full, so the photo was not kept. The visit is still saved." : "This browser cannot store photos on the tablet.");
      }
      problem("");
      list.append(item(row));
      changed();
    });
    group.append(label, input, list);
  }
  photosOf(draft.uuid).then((rows) => rows.forEach((row) => form.querySelector(`[data-photos="${row.criterion}"]`)?.append(item(row))));
}

function item(row) {
  const li = document.createElement("li");
  li.dataset.photo = row.uuid;
  const img = document.createElement("img");
  Object.assign(img, { src: URL.createObjectURL(row.blob), alt: `Photo for ${row.criterion}`, width: 120 });
  const caption = document.createElement("input");
  Object.assign(caption, { type: "text", value: row.caption, className: "govuk-input govuk-input--width-20", ariaLabel: `Caption for this photo (${row.criterion})` });
  caption.dataset.caption = row.uuid;
  caption.addEventListener("change", async () => {
    const database = await db();
    const stored = await database.get("photos", row.uuid);
    if (stored) await database.put("photos", { ...stored, caption: caption.value });
  });
  const remove = document.createElement("button");
  Object.assign(remove, { type: "button", className: "govuk-button govuk-button--warning govuk-!-margin-bottom-0", textContent: "Remove photo" });
  remove.addEventListener("click", async () => {
    await (await db()).delete("photos", row.uuid);
    URL.revokeObjectURL(img.src);
    li.remove();
  });
  li.append(img, " ", caption, " ", remove);
  return li;
}

/** PUT each of a visit's photos, one at a time: "sent", "offline", "server_error",
 * "signed_out", or {status, body} for an answer a person must look at. */
export async function uploadPhotos(visitUuid, token) {
  const database = await db();
  for (const photo of await photosOf(visitUuid)) {
    let response;
    try {
      response = await fetch(`/api/visits/${visitUuid}/photos/${photo.uuid}`, {
        method: "PUT",
        headers: {
          "Content-Type": photo.blob.type || "image/jpeg",
          "X-Content-SHA256": photo.sha256,
          "X-CSRFToken": token,
          "X-Photo-Criterion": photo.criterion,
          "X-Photo-Caption": encodeURIComponent(photo.caption || ""),
          Accept: "application/json",
        },
        body: photo.blob,
        redirect: "manual",
      });
    } catch {
      return "offline";
    }
    if (response.status === 200 || response.status === 201) {
      await database.delete("photos", photo.uuid);
      continue;
    }
    if (response.status === 401) return "signed_out";
    if (response.status >= 400 && response.status < 500) return { status: response.status, ...(await response.json().catch(() => ({}))) };
    return "server_error";
  }
  return "sent";
}
