// Passkeys: adding one on the account page, and signing in with one. Only this needs
// JavaScript: the forms marked data-passkey stay hidden without it (or in a browser without
// passkeys), and every other way of signing in works as before.
//
// Pressing the form's button asks the server for options (a POST, with the CSRF token in the
// X-CSRFToken header, as autosave does), lets the browser make or use the passkey, puts the
// browser's answer in the form's hidden "credential" field and posts the form as usual.

function supported() {
  return (
    window.PublicKeyCredential &&
    typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function" &&
    typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function"
  );
}

async function fetchOptions(form) {
  const token = form.querySelector('input[name="csrf_token"]');
  const response = await fetch(form.dataset.options, {
    method: "POST",
    headers: { "X-CSRFToken": token ? token.value : "", Accept: "application/json" },
    credentials: "same-origin",
  });
  if (!response.ok) throw new Error("No passkey options");
  return response.json();
}

function askBrowser(kind, options) {
  if (kind === "register") {
    return navigator.credentials.create({
      publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
    });
  }
  return navigator.credentials.get({
    publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options),
  });
}

function showProblem(form) {
  const problem = form.querySelector("[data-passkey-problem]");
  if (problem) problem.hidden = false;
}

function wire(form) {
  form.hidden = false;
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    // A register form's name is checked by the server; an empty one is sent as it is.
    const named = form.querySelector('input[name="name"]');
    if (named && !named.value.trim()) {
      form.submit();
      return;
    }
    try {
      const options = await fetchOptions(form);
      const credential = await askBrowser(form.dataset.passkey, options);
      form.querySelector('input[name="credential"]').value = JSON.stringify(credential.toJSON());
      form.submit();
    } catch {
      // Cancelled, timed out, or no passkey here: nothing was sent, the page stays as it is.
      showProblem(form);
    }
  });
}

function init() {
  if (!supported()) return;
  document.querySelectorAll("form[data-passkey]").forEach(wire);
  document.querySelectorAll("[data-passkey-fallback]").forEach((note) => {
    note.hidden = true;
  });
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", init);
} else {
  init();
}
