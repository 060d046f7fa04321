// Below 1600 px the admin's navigation starts folded away (its « button opens it), so a list
// fits beside its filters at 1366 px. Django's nav_sidebar.js (deferred, so after this) reads the
// choice from localStorage; it is taken away again once read, so a wider screen still opens
// with the navigation, and a person's own click is kept by Django as before.
(function () {
    const key = "django.admin.navSidebarIsOpen";
    if (window.innerWidth >= 1600 || localStorage.getItem(key) !== null) {
        return;
    }
    localStorage.setItem(key, "false");
    document.addEventListener("DOMContentLoaded", function () {
        if (localStorage.getItem(key) === "false") {
            localStorage.removeItem(key);
        }
    });
})();
