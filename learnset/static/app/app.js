// Progressive enhancement only: every page works without this file.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";
import { initNotesEverywhere } from "./sign-out.js";
import { initWhatChanged } from "./what-changed.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
// A second click on a button while the first is being sent is ignored (NHS.UK's own
// preventDoubleClick); the server makes one record of a form posted twice anyway.
initAll({ button: { preventDoubleClick: true } });
initWhatChanged();
initNotesEverywhere();
