// Progressive enhancement only: every page works without this file.
import { initAll } from "../nhsuk/nhsuk-frontend.min.js";
import { initNotesEverywhere } from "./sign-out.js";
import { initWhatChanged } from "./what-changed.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
initWhatChanged();
initNotesEverywhere();
