// "What changed?" on a check-in only matters when the level has moved from last time, so it
// stays out of the way until it has. Without JavaScript the question is always shown.
export function initWhatChanged(root = document) {
  for (const question of root.querySelectorAll("[data-previous-level]")) {
    const levels = root.querySelectorAll(`input[name="${question.dataset.levelField}"]`);
    const answer = question.querySelector("textarea");
    const update = () => {
      const chosen = Array.from(levels).find((input) => input.checked);
      const moved = chosen !== undefined && chosen.value !== question.dataset.previousLevel;
      // Never hide something already written, or a message about it.
      question.hidden = !moved && !answer.value && !question.querySelector(".nhsuk-error-message");
    };
    levels.forEach((input) => input.addEventListener("change", update));
    update();
  }
}
