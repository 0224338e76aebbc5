// "Mark comments as read" without pressing it: an improvement only. Opening a reflection never
// changes anything on the server (a GET never writes); without JavaScript the author presses the
// button. With it, once the page has loaded the form is posted in the background, with the CSRF
// token in the X-CSRFToken header as autosave does, and the button goes. The comments keep
// their "New" tags on this page, so they can still be found and read.

function markSeen(form) {
  const token = form.querySelector('input[name="csrf_token"]');
  fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
    credentials: "same-origin",
  })
    .then((response) => {
      if (response.ok) form.hidden = true;
    })
    // Not marked: the button stays, and the comments are still news next time.
    .catch(() => {});
}

function init() {
  document.querySelectorAll("form[data-comments-seen]").forEach(markSeen);
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
