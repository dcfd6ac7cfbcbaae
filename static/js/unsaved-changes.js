// Warns before leaving a page whose form holds answers that are not saved: the browser's
// own "Leave site?" dialog on beforeunload. A form counts as changed when what it would
// send differs from what it held when the page loaded, or from the start when the server
// sent it back with errors (data-warn-unsaved="changed": its refused answers are not
// saved). Submitting the form is never warned about.

/** What the form would send now, as text to compare (the CSRF token left out). */
export function formState(form) {
  const pairs = [];
  for (const [name, value] of new FormData(form)) {
    if (name !== "csrf_token") {
      pairs.push([name, typeof value === "string" ? value : value.name]);
    }
  }
  return JSON.stringify(pairs);
}

/** Warn on leaving the page while `form` has unsaved changes; returns a function that stops. */
export function watchForm(form) {
  const loaded = formState(form);
  const changedFromStart = form.dataset.warnUnsaved === "changed";
  let submitting = false;
  const onSubmit = () => {
    submitting = true;
  };
  const onBeforeUnload = (event) => {
    if (submitting || (!changedFromStart && formState(form) === loaded)) {
      return;
    }
    event.preventDefault();
    event.returnValue = ""; // older browsers need it set to show the dialog
  };
  // A page restored from the back-forward cache is being used again, not submitted.
  const onPageShow = (event) => {
    if (event.persisted) {
      submitting = false;
    }
  };
  form.addEventListener("submit", onSubmit);
  window.addEventListener("beforeunload", onBeforeUnload);
  window.addEventListener("pageshow", onPageShow);
  return () => {
    form.removeEventListener("submit", onSubmit);
    window.removeEventListener("beforeunload", onBeforeUnload);
    window.removeEventListener("pageshow", onPageShow);
  };
}
