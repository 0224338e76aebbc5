// Autosave for the reflection editor: an improvement only. Without it, "Save draft" does the job.
//
// While the writer types, the form is posted to its draft endpoint (data-autosave-url) a few
// seconds after they pause, and at least every twenty seconds while they keep typing. When the
// page is hidden or left, unsaved changes go with `fetch(..., {keepalive: true})`, which
// outlives the page. The CSRF token travels in the X-CSRFToken header, and each answer brings
// a fresh one, so a page left open for hours can still save.
//
// When the server cannot save (503 with {"saved": false, "retry": true}: the database is down,
// full or read-only) or cannot be reached, the editor says so beside the text and tries again by
// itself after 2 s, then 4, 8, ... up to a minute between tries, until a save goes through.
//
// While a change waits for its pause or is being saved, the status is aria-busy: assistive
// technology then says only how the save ended, and whoever reads the status (a browser test
// too) knows that "Draft saved at ..." covers everything typed so far.

const PAUSE_MS = 3000;
const LONGEST_WAIT_MS = 20000;
// Browsers refuse keepalive requests above 64 KB; a bigger form is saved by the timer instead.
const KEEPALIVE_LIMIT = 60000;
const FIRST_RETRY_MS = 2000;
const LONGEST_RETRY_MS = 60000;

function setUp(form) {
  const url = form.dataset.autosaveUrl;
  const status = document.getElementById(form.dataset.autosaveStatus);
  const tokenField = form.querySelector('input[name="csrf_token"]');
  let changed = false;
  let submitting = false;
  let pauseTimer = null;
  let longestTimer = null;
  let inFlight = null;
  let retryTimer = null;
  let retryDelay = FIRST_RETRY_MS;

  const say = (message) => {
    if (status) status.textContent = message;
  };

  const showBusy = () => {
    if (!status) return;
    if (pauseTimer || inFlight) {
      status.setAttribute("aria-busy", "true");
    } else {
      status.removeAttribute("aria-busy");
    }
  };

  const body = () => {
    const data = new FormData(form);
    data.delete("action");
    return data;
  };

  const headers = () => ({ "X-CSRFToken": tokenField ? tokenField.value : "", Accept: "application/json" });

  const clearTimers = () => {
    clearTimeout(pauseTimer);
    clearTimeout(longestTimer);
    clearTimeout(retryTimer);
    pauseTimer = null;
    longestTimer = null;
    retryTimer = null;
  };

  // Not saved, through no fault of the writer's: say so, and try again later by itself.
  const retryLater = (message) => {
    changed = true;
    say(message);
    clearTimeout(retryTimer);
    retryTimer = setTimeout(save, retryDelay);
    retryDelay = Math.min(retryDelay * 2, LONGEST_RETRY_MS);
  };

  async function save() {
    clearTimers();
    showBusy();
    if (!changed || submitting) return;
    if (inFlight) {
      await inFlight;
      // The form may have been sent meanwhile: its own save wins, as below.
      if (!changed || submitting) return;
    }
    changed = false;
    say("Saving a draft…");
    inFlight = fetch(url, { method: "POST", body: body(), headers: headers(), credentials: "same-origin" })
      .then(async (response) => {
        const isJson = (response.headers.get("Content-Type") || "").includes("application/json");
        const answer = isJson ? await response.json() : null;
        if (answer && answer.csrfToken && tokenField) tokenField.value = answer.csrfToken;
        if (response.ok && answer) {
          retryDelay = FIRST_RETRY_MS;
          say(answer.message);
        } else if (answer && answer.retry) {
          retryLater(answer.message || "Not saved yet \u2013 will try again");
        } else if (answer && answer.message) {
          changed = true;
          say(answer.message);
        } else {
          changed = true;
          say(response.redirected
            ? "You have been signed out. Your text is kept: sign in again to carry on."
            : "Your draft could not be saved just now. We will try again.");
        }
      })
      .catch(() => {
        retryLater("Not saved yet \u2013 check your connection: we will try again.");
      })
      .finally(() => {
        inFlight = null;
        showBusy();
      });
    showBusy();
    await inFlight;
  }

  function saveAsYouLeave() {
    if (!changed || submitting) return;
    const data = body();
    const size = Array.from(data.values()).reduce((total, value) => total + String(value).length, 0);
    if (size > KEEPALIVE_LIMIT) return;
    changed = false;
    fetch(url, { method: "POST", body: data, headers: headers(), credentials: "same-origin", keepalive: true })
      .catch(() => {
        changed = true;
      });
  }

  form.addEventListener("input", () => {
    changed = true;
    clearTimeout(pauseTimer);
    pauseTimer = setTimeout(save, PAUSE_MS);
    if (!longestTimer) longestTimer = setTimeout(save, LONGEST_WAIT_MS);
    showBusy();
  });
  form.addEventListener("change", () => {
    changed = true;
    clearTimeout(pauseTimer);
    pauseTimer = setTimeout(save, PAUSE_MS);
    showBusy();
  });
  // The form's own buttons save for real: an autosave racing them would bring back a draft.
  form.addEventListener("submit", () => {
    submitting = true;
    clearTimers();
    showBusy();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") saveAsYouLeave();
  });
  window.addEventListener("pagehide", saveAsYouLeave);
}

document.querySelectorAll("form[data-autosave-url]").forEach(setUp);
