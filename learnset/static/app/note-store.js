// Quick notes kept in this browser (IndexedDB) until they reach the server. Each note carries
// the id of the person who wrote it: on a shared computer, nobody else ever sends or sees it.
const DB_NAME = "learnset";
const STATUS_URL = "/notes/status";
const SEND_URL = "/notes/new";

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      request.result.createObjectStore("notes", { keyPath: "id" });
      request.result.createObjectStore("meta", { keyPath: "name" });
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function inStore(name, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const transaction = db.transaction(name, mode);
    const request = work(transaction.objectStore(name));
    transaction.oncomplete = () => {
      db.close();
      resolve(request ? request.result : undefined);
    };
    transaction.onerror = () => {
      db.close();
      reject(transaction.error);
    };
  });
}

export function newNoteId() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// The note as the note form itself posts it, with the form's token: a multipart body, the photo
// (if any) as its file, so the server applies every check it applies to the form.
function formOf(note, token) {
  const body = new FormData();
  body.append("csrf_token", token);
  body.append("note_id", note.id);
  body.append("body", note.body);
  body.append("cohort", note.cohort || "");
  body.append("meeting", note.meeting || "");
  if (note.photo) {
    body.append("photo", new Blob([note.photo.bytes], { type: note.photo.type }), note.photo.name);
  }
  return body;
}

export const keepNote = (note) => inStore("notes", "readwrite", (store) => store.put(note));
export const forgetNote = (id) => inStore("notes", "readwrite", (store) => store.delete(id));
const oneNote = (id) => inStore("notes", "readonly", (store) => store.get(id));
const allNotes = () => inStore("notes", "readonly", (store) => store.getAll());

// A photo the server refused (a full quota, say): the note goes on without it.
export async function dropPhoto(id) {
  const note = await oneNote(id);
  if (note) {
    delete note.photo;
    delete note.photoRefused;
    delete note.problem;
    await keepNote(note);
  }
}

// The checks the server makes of a note's photo, made before it is kept on this device: its
// size, and a PNG or JPEG by its first bytes that the browser can draw. A message, or null.
const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
export async function photoProblem(file, maxBytes, maxSize) {
  if (file.size > maxBytes) {
    return `The photo must be smaller than ${maxSize}`;
  }
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const starts = (signature) => signature.every((byte, index) => head[index] === byte);
  if (!(starts(PNG) || starts(JPEG))) {
    return "The photo must be a PNG or JPEG image";
  }
  if (window.createImageBitmap) {
    // A browser without it leaves the rest to the server, which draws every photo again.
    try {
      (await createImageBitmap(file)).close();
    } catch {
      return "The photo must be a PNG or JPEG image";
    }
  }
  return null;
}

export async function anyWaiting() {
  return (await allNotes()).length > 0;
}

export async function waitingFor(user) {
  if (!user) {
    return [];
  }
  const notes = await allNotes();
  return notes.filter((note) => note.user === user).sort((a, b) => a.writtenAt.localeCompare(b.writtenAt));
}

export const rememberUser = (user) => inStore("meta", "readwrite", (store) => store.put({ name: "user", value: user }));
export async function rememberedUser() {
  const found = await inStore("meta", "readonly", (store) => store.get("user"));
  return found ? found.value : null;
}

// Who is signed in, and a form token; null when offline or signed out.
export async function signedIn() {
  try {
    const response = await fetch(STATUS_URL, {
      headers: { Accept: "application/json" },
      cache: "no-store",
      redirect: "manual",
    });
    return response.ok ? await response.json() : null;
  } catch {
    return null;
  }
}

// Send the signed-in person's waiting notes, oldest first. Returns how many went, whether the
// server was reached and answered them all, and who is signed in. Asked again while sending
// (the "online" event and a page load at once), it answers with the send under way, so no
// note goes twice and a refused photo is not sent again before its refusal is kept.
let sending = null;
export function sendWaiting() {
  if (!sending) {
    sending = sendAll().finally(() => {
      sending = null;
    });
  }
  return sending;
}

async function sendAll() {
  const who = await signedIn();
  if (!who) {
    return { sent: 0, reached: false };
  }
  await rememberUser(who.user);
  const post = (note) =>
    fetch(SEND_URL, { method: "POST", headers: { Accept: "application/json" }, body: formOf(note, who.csrf_token) });
  // Refused with the reasons, by field: 422, or 413 for a photo over the server's limit.
  const refused = (response) => response.status === 422 || response.status === 413;
  let sent = 0;
  for (const note of await waitingFor(who.user)) {
    if (note.photoRefused) {
      // Refused once, it would be refused again: it waits for its writer to send it without.
      continue;
    }
    let response;
    let answer = null;
    try {
      response = await post(note);
      if (refused(response)) {
        answer = await response.json();
        const fields = Object.keys(answer.errors);
        if (fields.length && fields.every((name) => name === "cohort" || name === "meeting")) {
          // A set or session no longer open to the writer: the words matter more than the
          // link, so the note goes without it.
          note.cohort = "";
          note.meeting = "";
          await keepNote(note);
          response = await post(note);
          answer = refused(response) ? await response.json() : null;
        }
      }
    } catch {
      return { sent, reached: false };
    }
    if (response.ok) {
      await forgetNote(note.id);
      sent += 1;
    } else if (answer) {
      note.problem = answer.errors.photo || Object.values(answer.errors)[0] || "This note could not be sent";
      note.photoRefused = Boolean(answer.errors.photo && note.photo);
      await keepNote(note);
    } else {
      return { sent, reached: false };
    }
  }
  return { sent, reached: true, user: who.user };
}

// Signing out: forget who was signed in, every cache but the static files', and every note
// not chosen to be kept. Kept notes stay, still marked with their writer.
export async function clearForSignOut(keepNotes) {
  const user = await rememberedUser();
  if (!keepNotes && user) {
    for (const note of await waitingFor(user)) {
      await forgetNote(note.id);
    }
  }
  await inStore("meta", "readwrite", (store) => store.clear());
  if (window.caches) {
    for (const name of await caches.keys()) {
      if (!name.startsWith("learnset-static-")) {
        await caches.delete(name);
      }
    }
  }
  sessionStorage.clear();
  localStorage.clear();
}
