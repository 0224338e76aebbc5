// The "Jot a note" page: a note is kept in this browser first, then sent; whatever has not
// reached the server yet is listed, in a live region, until it has. Closing the page loses
// nothing: the next visit, or any page of the service once online, sends it.
import { keepNote, newNoteId, rememberedUser, rememberUser, sendWaiting, waitingFor } from "./note-store.js";

const form = document.querySelector("[data-note-form]");
const region = document.getElementById("note-queue");

function plural(count, one, many) {
  return count === 1 ? one : many;
}

function showFieldError(field, message) {
  const group = field.closest(".nhsuk-form-group");
  let error = document.getElementById(`${field.id}-error`);
  if (!message) {
    group.classList.remove("nhsuk-form-group--error");
    field.classList.remove("nhsuk-textarea--error");
    if (error) error.remove();
    return;
  }
  if (!error) {
    error = document.createElement("span");
    error.id = `${field.id}-error`;
    error.className = "nhsuk-error-message";
    field.before(error);
    field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") || ""} ${error.id}`.trim());
  }
  error.textContent = "";
  const hidden = document.createElement("span");
  hidden.className = "nhsuk-u-visually-hidden";
  hidden.textContent = "Error: ";
  error.append(hidden, message);
  group.classList.add("nhsuk-form-group--error");
  field.classList.add("nhsuk-textarea--error");
  field.focus();
}

function say(notes, sent) {
  region.textContent = "";
  const heading = document.createElement("p");
  if (notes.length === 0) {
    if (sent > 0) {
      heading.textContent = `${sent === 1 ? "Your note has" : `${sent} notes have`} been sent. ${plural(sent, "It is", "They are")} in your inbox at the top of your reflective log.`;
      region.append(heading);
    }
    return;
  }
  heading.className = "nhsuk-body-l";
  heading.textContent = `${notes.length} ${plural(notes.length, "note is", "notes are")} waiting to be sent. ${plural(notes.length, "It is", "They are")} kept on this device and will be sent when you are back online, even if you close this page.`;
  const list = document.createElement("ul");
  list.className = "nhsuk-list nhsuk-list--bullet";
  for (const note of notes) {
    const item = document.createElement("li");
    item.textContent = note.body.length > 80 ? `${note.body.slice(0, 80)}…` : note.body;
    if (note.problem) {
      const problem = document.createElement("strong");
      problem.textContent = ` Not sent: ${note.problem}`;
      item.append(problem);
    }
    list.append(item);
  }
  region.append(heading, list);
}

async function sendAndSay(user) {
  const result = navigator.onLine ? await sendWaiting() : { sent: 0 };
  say(await waitingFor(result.user || user), result.sent);
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
    // A photo goes with the form itself, and only with a connection: it is not kept offline.
    if (photo && photo.files.length) {
      if (navigator.onLine) {
        return;
      }
      event.preventDefault();
      showFieldError(photo, "You are offline. A photo can be sent only when you are online: remove it to keep the note on this device");
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
    await keepNote({
      id: noteId.value || newNoteId(),
      user,
      body: text,
      cohort: cohort ? cohort.value : "",
      meeting: meeting ? meeting.value : "",
      writtenAt: new Date().toISOString(),
    });
    body.value = "";
    noteId.value = newNoteId();
    await sendAndSay(user);
  });
  window.addEventListener("online", () => sendAndSay(user));
  await sendAndSay(user);
}

if (form && region && window.indexedDB) {
  start();
}
