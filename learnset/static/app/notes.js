// The "Jot a note" page: a note is kept in this browser first, then sent; whatever has not
// reached the server yet is listed, in a live region, until it has. Closing the page loses
// nothing: the next visit, or any page of the service once online, sends it.
import {
  dropPhoto,
  keepNote,
  newNoteId,
  photoProblem,
  rememberedUser,
  rememberUser,
  sendWaiting,
  waitingFor,
} from "./note-store.js";

const form = document.querySelector("[data-note-form]");
const region = document.getElementById("note-queue");

function plural(count, one, many) {
  return count === 1 ? one : many;
}

// What a person uses to reach the field: the design system's file control stands in front of
// the file input itself.
function controlOf(field, group) {
  return (field.type === "file" && group.querySelector("button")) || field;
}

function showFieldError(field, message) {
  const group = field.closest(".nhsuk-form-group");
  const control = controlOf(field, group);
  let error = document.getElementById(`${field.name}-error`);
  if (!message) {
    group.classList.remove("nhsuk-form-group--error");
    field.classList.remove("nhsuk-textarea--error");
    if (error) error.remove();
    return;
  }
  if (!error) {
    error = document.createElement("span");
    error.id = `${field.name}-error`;
    error.className = "nhsuk-error-message";
    // Where the design system puts it: after the hint, before the control.
    const hint = group.querySelector(".nhsuk-hint");
    if (hint) {
      hint.after(error);
    } else {
      field.before(error);
    }
    control.setAttribute("aria-describedby", `${control.getAttribute("aria-describedby") || ""} ${error.id}`.trim());
  }
  error.textContent = "";
  const hidden = document.createElement("span");
  hidden.className = "nhsuk-u-visually-hidden";
  hidden.textContent = "Error: ";
  error.append(hidden, message);
  group.classList.add("nhsuk-form-group--error");
  if (field.type !== "file") {
    field.classList.add("nhsuk-textarea--error");
  }
  control.focus();
}

// Whether the list last said that notes had been sent.
let saidSent = false;

function say(notes, sent, user) {
  if (notes.length === 0 && sent === 0 && saidSent) {
    // A later check that found nothing to do (the browser's "online" event and another at once,
    // say) leaves the news that the notes went, rather than emptying the list before it is read.
    return;
  }
  saidSent = notes.length === 0 && sent > 0;
  region.textContent = "";
  const heading = document.createElement("p");
  if (notes.length === 0) {
    if (sent > 0) {
      heading.textContent = `${sent === 1 ? "Your note has" : `${sent} notes have`} been sent. ${plural(sent, "It is", "They are")} in your inbox at the top of your reflective log.`;
      region.append(heading);
    }
    return;
  }
  const photos = notes.filter((note) => note.photo).length;
  const withPhotos = photos ? `, with ${photos} ${plural(photos, "photo", "photos")}` : "";
  heading.className = "nhsuk-body-l";
  heading.textContent = `${notes.length} ${plural(notes.length, "note is", "notes are")} waiting to be sent${withPhotos}. ${plural(notes.length, "It is", "They are")} kept on this device and will be sent when you are back online, even if you close this page.`;
  const list = document.createElement("ul");
  list.className = "nhsuk-list nhsuk-list--bullet";
  for (const note of notes) {
    const item = document.createElement("li");
    item.textContent = note.body.length > 80 ? `${note.body.slice(0, 80)}…` : note.body;
    if (note.photo) {
      item.append(` (with the photo ${note.photo.name})`);
    }
    if (note.problem) {
      const problem = document.createElement("strong");
      problem.textContent = ` Not sent: ${note.problem}`;
      item.append(problem);
    }
    if (note.photoRefused) {
      // Kept rather than sent again at every page: the writer chooses to send the words alone.
      const without = document.createElement("button");
      without.type = "button";
      without.className = "nhsuk-button nhsuk-button--secondary nhsuk-u-margin-top-2 nhsuk-u-margin-bottom-0";
      without.textContent = "Send this note without its photo";
      without.addEventListener("click", async () => {
        await dropPhoto(note.id);
        await sendAndSay(user);
        region.tabIndex = -1;
        region.focus();
      });
      item.append(document.createElement("br"), without);
    }
    list.append(item);
  }
  region.append(heading, list);
}

// While notes are checked or sent, the list says it is busy, so assistive technology waits for
// the answer rather than reading out a list that is about to change.
let working = 0;
async function busyWhile(work) {
  working += 1;
  region.setAttribute("aria-busy", "true");
  try {
    return await work();
  } finally {
    working -= 1;
    if (working === 0) {
      region.removeAttribute("aria-busy");
    }
  }
}

function sendAndSay(user) {
  return busyWhile(async () => {
    const result = navigator.onLine ? await sendWaiting() : { sent: 0 };
    say(await waitingFor(result.user || user), result.sent, result.user || user);
  });
}

// The chosen photo, checked as the server would check it, to keep in the note's own record.
async function keptPhoto(photo) {
  const file = photo.files[0];
  const problem = await photoProblem(file, Number(form.dataset.photoMax), form.dataset.photoSize);
  if (problem) {
    showFieldError(photo, problem);
    return null;
  }
  showFieldError(photo, null);
  return { name: file.name, type: file.type || "application/octet-stream", size: file.size, bytes: await file.arrayBuffer() };
}

async function start() {
  const body = form.querySelector("textarea");
  const noteId = form.querySelector("[name=note_id]");
  const cohort = form.querySelector("[name=cohort]");
  const meeting = form.querySelector("[name=meeting]");
  let user = form.dataset.user ? Number(form.dataset.user) : await rememberedUser();
  if (form.dataset.user) {
    await rememberUser(user);
  }
  if (!user) {
    // The shell, offline, in a browser where nobody has signed in to write notes.
    document.getElementById("note-signed-out").hidden = false;
    form.hidden = true;
    return;
  }
  const photo = form.querySelector("[name=photo]");
  form.addEventListener("submit", async (event) => {
    // Online, the live page posts a note with a photo as the form itself, so every message is
    // beside its field at once. Offline (or on the shell), the photo is kept with the note.
    const chosen = photo && photo.files.length > 0;
    if (chosen && navigator.onLine && form.dataset.user) {
      return;
    }
    event.preventDefault();
    const text = body.value.trim();
    const limit = Number(body.getAttribute("maxlength") || form.dataset.max);
    if (!text) {
      showFieldError(body, "Write your note");
      return;
    }
    if (text.length > limit) {
      showFieldError(body, `Your note must be ${limit.toLocaleString("en-GB")} characters or fewer`);
      return;
    }
    showFieldError(body, null);
    const kept = chosen ? await keptPhoto(photo) : null;
    if (chosen && !kept) {
      return;
    }
    const note = {
      id: noteId.value || newNoteId(),
      user,
      body: text,
      cohort: cohort ? cohort.value : "",
      meeting: meeting ? meeting.value : "",
      writtenAt: new Date().toISOString(),
    };
    if (kept) {
      note.photo = kept;
    }
    await keepNote(note);
    if (photo) {
      photo.value = "";
      // The design system's control shows the chosen file's name until told it has changed.
      photo.dispatchEvent(new Event("change", { bubbles: true }));
    }
    body.value = "";
    noteId.value = newNoteId();
    await sendAndSay(user);
  });
  window.addEventListener("online", () => sendAndSay(user));
  await sendAndSay(user);
}

if (form && region && window.indexedDB) {
  busyWhile(start);
}
