// The page's own script: a file too large for an upload button is stopped here, with a
// message beside the button, before the browser sends it (the server would drop the
// connection without a word). The limit is the one the kernel checks again.
(function () {
  "use strict";
  var LIMIT = 40 * 1024 * 1024;
  var LIMIT_TEXT = "40 MB";
  var lastButton = null;

  // The widget's file input is never in the page: remember which upload button was pressed.
  document.addEventListener("click", function (event) {
    var target = event.target;
    var button = target && target.closest ? target.closest(".widget-upload") : null;
    if (button) {
      lastButton = button;
    }
  }, true);

  function say(button, text) {
    if (!button || !button.parentNode) {
      return;
    }
    var next = button.nextElementSibling;
    var note = next && next.classList.contains("cr-upload-too-big") ? next : null;
    if (!note) {
      note = document.createElement("p");
      note.className = "cr-upload-too-big cr-input-error";
      note.setAttribute("role", "alert");
      button.insertAdjacentElement("afterend", note);
    }
    note.textContent = text;
    note.hidden = !text;
  }

  function guard(event) {
    var input = event.currentTarget;
    var button = input.careersButton || lastButton;
    var files = Array.prototype.slice.call(input.files || []);
    var big = files.filter(function (file) { return file.size > LIMIT; });
    if (big.length) {
      // Before the widget's own listener: it must never read the file.
      event.stopImmediatePropagation();
      var megabytes = Math.round(big[0].size / (1024 * 1024));
      say(button, "Not sent: " + big[0].name + " is " + megabytes + " MB, larger than the " +
        LIMIT_TEXT + " an upload takes.");
      input.value = "";
    } else {
      say(button, "");
    }
  }

  // The upload button counts the files of its last upload ("(0)", "(1)"): a number the team
  // cannot read anything from, since the page says what became of each file. Drop it.
  var COUNT = /\s*\(\d+\)\s*$/;
  function tidy(button) {
    Array.prototype.forEach.call(button.childNodes, function (node) {
      if (node.nodeType === Node.TEXT_NODE && COUNT.test(node.data)) {
        node.data = node.data.replace(COUNT, "");
      }
    });
  }
  new MutationObserver(function (records) {
    records.forEach(function (record) {
      var target = record.target.nodeType === Node.ELEMENT_NODE
        ? record.target : record.target.parentElement;
      var button = target && target.closest ? target.closest(".widget-upload") : null;
      if (button) {
        tidy(button);
      } else if (record.addedNodes.length) {
        Array.prototype.forEach.call(record.addedNodes, function (node) {
          if (node.nodeType !== Node.ELEMENT_NODE) {
            return;
          }
          if (node.matches(".widget-upload")) {
            tidy(node);
          }
          Array.prototype.forEach.call(node.querySelectorAll(".widget-upload"), tidy);
        });
      }
    });
  }).observe(document.documentElement, {childList: true, subtree: true, characterData: true});

  var click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function () {
    if (this.type === "file" && !this.careersGuarded) {
      // A capturing listener on the input itself runs before the widget's listener.
      this.addEventListener("change", guard, true);
      this.careersGuarded = true;
    }
    if (this.type === "file") {
      this.careersButton = lastButton;
    }
    return click.apply(this, arguments);
  };
})();
