// Enhancements only: the page works without this script.
(function () {
  // Quick exit replaces this page in the history, so Back does not return to it.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest("a.quick-exit");
    if (a) {
      e.preventDefault();
      window.location.replace(a.href);
    }
  });
  var print = document.getElementById("print");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
