// Loaded synchronously at the start of <body>, so the classes are set before the page
// is painted: GOV.UK Frontend's styles for enhanced components depend on them. It is a
// file rather than GOV.UK's inline snippet so the Content Security Policy can forbid
// inline scripts.
document.body.className +=
  " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
