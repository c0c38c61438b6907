// Behaviour the pages used to write inline, so that the Content-Security-Policy can forbid
// inline script: a select that submits its form when changed, a button that prints.
document.addEventListener("change", (event) => {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
// A panel htmx opened (the import preview's row editor) is closed by emptying it.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-clear]");
  if (button) document.querySelector(button.dataset.clear)?.replaceChildren();
});
