// The top bar's buttons (no inline handlers: the Content-Security-Policy allows no inline
// script without a nonce). Loaded with defer by base.html.
(function () {
  var nav = document.getElementById("nav");
  var toggle = document.querySelector(".nav-toggle");
  if (toggle && nav) {
    toggle.addEventListener("click", function () {
      nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", nav.classList.contains("open"));
    });
  }
  var theme = document.getElementById("theme-toggle");
  if (theme) {
    theme.addEventListener("click", function () {
      var d = document.documentElement;
      d.dataset.theme = d.dataset.theme === "dark" ? "light" : "dark";
      localStorage.setItem("hydra-theme", d.dataset.theme);
    });
  }
})();

// <form data-confirm="Question?">: submitted only when the user confirms
document.addEventListener("submit", function (event) {
  var question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
