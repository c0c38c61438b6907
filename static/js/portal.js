// Behaviour the pages used to write inline, so that the Content-Security-Policy can forbid
// inline script: a select that submits its form when changed, a button that prints.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
