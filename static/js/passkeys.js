// Passkeys in the browser: a form marked data-passkey="create" (the account's "Create a
// passkey") or data-passkey="get" (the second step of signing in) carries the server's
// WebAuthn options as JSON (qa_app/auth/mfa/passkeys.py). On submit the browser makes or
// uses the passkey, the answer goes in the form's hidden `credential` field as the JSON the
// server's `webauthn` package reads, and the form is sent. Without scripts, or without
// WebAuthn, the form stays hidden and the page's other ways are shown.

const toBytes = (text) => {
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/").padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
};

const toText = (buffer) =>
  btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

function creationOptions(json) {
  return {
    ...json,
    challenge: toBytes(json.challenge),
    user: { ...json.user, id: toBytes(json.user.id) },
    excludeCredentials: (json.excludeCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
}

function requestOptions(json) {
  return {
    ...json,
    challenge: toBytes(json.challenge),
    allowCredentials: (json.allowCredentials || []).map((c) => ({ ...c, id: toBytes(c.id) })),
  };
}

function asJSON(credential) {
  if (typeof credential.toJSON === "function") return credential.toJSON();
  const r = credential.response;
  const response = { clientDataJSON: toText(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toText(r.attestationObject);
    response.transports = typeof r.getTransports === "function" ? r.getTransports() : [];
  } else {
    response.authenticatorData = toText(r.authenticatorData);
    response.signature = toText(r.signature);
    if (r.userHandle) response.userHandle = toText(r.userHandle);
  }
  return {
    id: credential.id,
    rawId: toText(credential.rawId),
    type: credential.type,
    response,
    clientExtensionResults: credential.getClientExtensionResults(),
    authenticatorAttachment: credential.authenticatorAttachment,
  };
}

function showError(form, message) {
  const box = form.querySelector("[data-passkey-error]");
  box.textContent = message;
  box.hidden = false;
}

function offer(form) {
  const mode = form.dataset.passkey;
  const options = JSON.parse(form.dataset.options);
  form.hidden = false;
  form.parentElement.querySelectorAll("[data-passkey-needs-script]").forEach((note) => (note.hidden = true));
  form.addEventListener("submit", async (event) => {
    const name = form.querySelector("input[name=name]");
    if (name && !name.value.trim()) return; // the server asks for a name first
    event.preventDefault();
    form.querySelector("[data-passkey-error]").hidden = true;
    try {
      const credential =
        mode === "create"
          ? await navigator.credentials.create({ publicKey: creationOptions(options) })
          : await navigator.credentials.get({ publicKey: requestOptions(options) });
      form.querySelector("input[name=credential]").value = JSON.stringify(asJSON(credential));
      // The form's button is named "submit", which hides form.submit(): call the method itself.
      HTMLFormElement.prototype.submit.call(form);
    } catch (error) {
      showError(
        form,
        error && error.name === "InvalidStateError"
          ? "This device already holds a passkey for your account."
          : "No passkey was used. Try again, or use another way.",
      );
    }
  });
}

if (window.PublicKeyCredential && navigator.credentials) {
  document.querySelectorAll("form[data-passkey]").forEach(offer);
}
