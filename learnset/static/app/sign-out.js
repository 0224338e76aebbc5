// On every page: notes kept offline are sent as soon as a page loads with a connection, or the
// connection returns; signing out sends them first, or asks whether to keep them for next
// time, then clears what this browser keeps about the person.
import { anyWaiting, clearForSignOut, rememberedUser, sendWaiting, waitingFor } from "./note-store.js";

// What is waiting, in words: how many notes, and the photos kept with them, by name.
function waitingWords(notes) {
  const count = notes.length;
  const them = count === 1 ? "it" : "them";
  const photos = notes.filter((note) => note.photo).map((note) => note.photo.name);
  const named = photos.length ? `, with ${photos.length === 1 ? "the photo" : "the photos"} ${photos.join(", ")}` : "";
  const along = photos.length ? ` (${photos.length === 1 ? "the photo goes" : "the photos go"} with ${count === 1 ? "its note" : "their notes"})` : "";
  return `${count === 1 ? "1 note has" : `${count} notes have`} not been sent yet${named}. Keep ${them} on this device to send next time you sign in here, or discard ${them}${along}.`;
}

function ask(notes, offline) {
  return new Promise((resolve) => {
    const main = document.getElementById("maincontent");
    const box = document.createElement("div");
    box.className = "nhsuk-warning-callout";
    const heading = document.createElement("h2");
    heading.className = "nhsuk-warning-callout__label";
    heading.tabIndex = -1;
    heading.textContent = offline ? "You are offline" : "Some notes could not be sent";
    const words = document.createElement("p");
    words.textContent = waitingWords(notes);
    const keep = document.createElement("button");
    keep.type = "button";
    keep.className = "nhsuk-button";
    keep.textContent = "Keep for next time and sign out";
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "nhsuk-button nhsuk-button--warning";
    discard.textContent = "Discard and sign out";
    keep.addEventListener("click", () => resolve(true));
    discard.addEventListener("click", () => resolve(false));
    box.append(heading, words, keep, " ", discard);
    main.prepend(box);
    heading.focus();
  });
}

async function signOut(form) {
  let keep = false;
  if (await anyWaiting()) {
    // Offline, the browser says so: ask at once rather than wait for a request to fail.
    const result = navigator.onLine ? await sendWaiting() : { sent: 0, reached: false };
    const waiting = await waitingFor(result.user || (await rememberedUser()));
    if (waiting.length) {
      keep = await ask(waiting, !result.reached);
    }
  }
  await clearForSignOut(keep);
  form.dataset.cleared = "yes";
  form.requestSubmit();
}

export function initNotesEverywhere() {
  if (!window.indexedDB) {
    return;
  }
  const form = document.querySelector(".nhsuk-header__account-form");
  if (form) {
    form.addEventListener("submit", (event) => {
      if (form.dataset.cleared) {
        return;
      }
      event.preventDefault();
      signOut(form);
    });
  }
  if (!document.querySelector("[data-note-form]")) {
    const send = async () => {
      if (await anyWaiting()) {
        await sendWaiting();
      }
    };
    window.addEventListener("online", send);
    if (navigator.onLine && form) {
      send();
    }
  }
  // The worker looks after the note pages only. Controlling every page would route each of
  // their requests through it, and Chromium then drops the save an editor sends as it is left
  // (a keepalive request during the page's unload).
  if (navigator.serviceWorker) {
    navigator.serviceWorker.register("/sw.js", { scope: "/notes/" }).catch(() => {});
  }
}
