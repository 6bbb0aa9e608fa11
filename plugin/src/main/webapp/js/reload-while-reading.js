// The Environments page reads ledgers and checks drift in the background: while it does, look again shortly.
(function () {
  if (document.querySelector("[data-immutable-reading]")) {
    window.setTimeout(function () {
      window.location.reload();
    }, 2000);
  }
})();
