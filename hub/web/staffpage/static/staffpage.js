// The header's branch switcher shows the chosen branch at once; its button
// stays for a browser without scripts.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("header.staffpage form.branch-switch");
  if (!form) return;
  form.querySelector("button").hidden = true;
  form.querySelector("select").addEventListener("change", () => form.submit());
});
