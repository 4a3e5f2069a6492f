// Click a figure to see it at full size (the page column may shrink it); click
// again or press Escape to close.
document.addEventListener("click", function (event) {
  var open = document.querySelector(".rd-zoom");
  if (open) { open.remove(); return; }
  var img = event.target;
  if (!(img instanceof HTMLImageElement)) return;
  if (!img.closest("div.cell_output, figure")) return;
  if (img.closest("a")) return;
  var box = document.createElement("div");
  box.className = "rd-zoom";
  box.setAttribute("role", "dialog");
  box.setAttribute("aria-label", "enlarged figure (click to close)");
  var big = document.createElement("img");
  big.src = img.currentSrc || img.src;
  big.alt = img.alt;
  box.appendChild(big);
  document.body.appendChild(box);
});
document.addEventListener("keydown", function (event) {
  var open = document.querySelector(".rd-zoom");
  if (open && event.key === "Escape") open.remove();
});
