// The provider's register (templates/portal/register.html): "Mark everyone present" fills
// every session of that part of the day that has no mark yet, here in the page, so the
// provider changes the few pupils who are not here and saves once. Without scripts the
// same button asks the server to fill them, and nothing is saved until "Save the register".

const form = document.querySelector("[data-register-form]");
const status = form && form.querySelector("[data-fill-status]");

function fill(session) {
  let filled = 0;
  for (const select of form.querySelectorAll(`select[data-session="${session}"]`)) {
    if (select.value === "") {
      select.value = "present";
      filled += 1;
    }
  }
  return filled;
}

if (form) {
  for (const button of form.querySelectorAll("[data-fill]")) {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      const filled = fill(button.dataset.fill);
      status.textContent =
        filled === 0
          ? "Everyone already had a mark: nothing changed."
          : `${filled} marked present. Not saved yet: change anyone who is not here, then save the register.`;
    });
  }
}
