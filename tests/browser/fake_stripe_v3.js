/*
 * A fake Stripe.js v3 for the browser tests (tests/browser/README.md): served by Playwright in place of
 * https://js.stripe.com/v3/, it implements the part of Stripe.js the pay pages use, the way Stripe.js behaves,
 * against the fake Stripe server (tests/fakes/stripe/) whose URL the test puts in place of
 * __FAKE_STRIPE_API__ when it serves this file.
 *
 *   var stripe = Stripe("pk_test_…");                 // IntegrationError without a publishable key
 *   var card = stripe.elements({locale: "nl"}).create("card");
 *   card.mount("#card-element");                       // an iframe with card number, expiry and CVC fields
 *   stripe.confirmCardPayment(clientSecret, {payment_method: {card: card} | "pm_…", setup_future_usage})
 *   stripe.confirmCardSetup(clientSecret, {payment_method: {card: card} | "pm_…"})
 *   stripe.createPaymentMethod({type: "card", card: card, billing_details})
 *   stripe.retrievePaymentIntent(clientSecret), stripe.retrieveSetupIntent(clientSecret)
 *
 * Like Stripe.js, the confirmations create the PaymentMethod from the card fields (POST /v1/payment_methods
 * with the publishable key), confirm the intent (POST /v1/{payment,setup}_intents/<id>/confirm with its
 * client_secret), show the bank's 3-D Secure challenge (the fake's /fake/3ds/<intent> page, in an iframe over
 * the page) when the intent asks for it, and resolve {paymentIntent} / {setupIntent} or {error}; they never
 * reject. Card fields that are empty, incomplete or invalid resolve a `validation_error` without calling the
 * API, as Stripe.js does.
 */
(function () {
  "use strict";

  var API = "__FAKE_STRIPE_API__";

  var WORDS = {
    en: {
      number: "Card number", expiry: "MM / YY", cvc: "CVC",
      incomplete_number: "Your card number is incomplete.",
      invalid_number: "Your card number is invalid.",
      incomplete_expiry: "Your card's expiration date is incomplete.",
      invalid_expiry_year_past: "Your card's expiration year is in the past.",
      invalid_expiry_month: "Your card's expiration date is invalid.",
      incomplete_cvc: "Your card's security code is incomplete.",
      authentication_failure:
        "We are unable to authenticate your payment method. Please choose a different payment method and try again.",
      connection: "An error occurred with our connection to Stripe. Request was retried 2 times."
    },
    nl: {
      number: "Kaartnummer", expiry: "MM / JJ", cvc: "CVC",
      incomplete_number: "Je kaartnummer is onvolledig.",
      invalid_number: "Je kaartnummer is ongeldig.",
      incomplete_expiry: "De vervaldatum van je kaart is onvolledig.",
      invalid_expiry_year_past: "Het vervaljaar van je kaart ligt in het verleden.",
      invalid_expiry_month: "De vervaldatum van je kaart is ongeldig.",
      incomplete_cvc: "De beveiligingscode van je kaart is onvolledig.",
      authentication_failure:
        "We kunnen je betaalmethode niet verifiëren. Kies een andere betaalmethode en probeer het opnieuw.",
      connection: "Er is een fout opgetreden in onze verbinding met Stripe. Het verzoek is 2 keer opnieuw geprobeerd."
    }
  };

  function IntegrationError(message) {
    var error = new Error(message);
    error.name = "IntegrationError";
    return error;
  }

  // Stripe's form encoding: a[b][c]=…, arrays as a[0]=….
  function encode(params, prefix, pairs) {
    pairs = pairs || [];
    Object.keys(params).forEach(function (key) {
      var value = params[key];
      var name = prefix ? prefix + "[" + key + "]" : key;
      if (value === undefined || value === null) { return; }
      if (typeof value === "object") {
        encode(value, name, pairs);
      } else {
        pairs.push(encodeURIComponent(name) + "=" + encodeURIComponent(String(value)));
      }
    });
    return pairs;
  }

  function call(key, method, path, params, words) {
    var query = encode(params || {}).join("&");
    var init = {method: method, headers: {"Authorization": "Bearer " + key}};
    var url = API + path;
    if (method === "GET") {
      url += query ? "?" + query : "";
    } else {
      init.headers["Content-Type"] = "application/x-www-form-urlencoded";
      init.body = query;
    }
    return fetch(url, init).then(
      function (response) {
        return response.json().then(function (body) {
          return response.ok ? {object: body} : {error: body.error || {type: "api_error", message: "?"}};
        });
      },
      function () { return {error: {type: "api_connection_error", message: words.connection}}; }
    );
  }

  // -- the Card Element ------------------------------------------------------------------------------------

  function luhn(digits) {
    var sum = 0;
    for (var i = 0; i < digits.length; i++) {
      var d = Number(digits[digits.length - 1 - i]);
      if (i % 2 === 1) { d *= 2; if (d > 9) { d -= 9; } }
      sum += d;
    }
    return sum % 10 === 0;
  }

  function CardElement(words) {
    this.words = words;
    this.frame = null;
    this.handlers = {};
  }

  CardElement.prototype.mount = function (target) {
    var node = typeof target === "string" ? document.querySelector(target) : target;
    if (!node) {
      throw IntegrationError(
        "The selector you specified (" + target + ") applies to no DOM elements that are currently on the page."
      );
    }
    if (this.frame) { throw IntegrationError("This Element is already mounted."); }
    var w = this.words;
    var frame = document.createElement("iframe");
    frame.name = "__privateStripeFrameCard";
    frame.title = "Secure card payment input frame";
    frame.setAttribute("frameborder", "0");
    frame.style.cssText = "width: 100%; height: 2.2em; border: 0; display: block;";
    frame.srcdoc =
      "<!doctype html><meta charset='utf-8'><style>body{margin:0;display:flex;gap:.5em;font:16px system-ui}" +
      "input{border:0;font:inherit;min-width:0}#n{flex:3}#e{flex:1}#c{flex:1}</style>" +
      "<input id='n' name='cardnumber' autocomplete='cc-number' inputmode='numeric' aria-label='" + w.number +
      "' placeholder='" + w.number + "'>" +
      "<input id='e' name='exp-date' autocomplete='cc-exp' inputmode='numeric' aria-label='" + w.expiry +
      "' placeholder='" + w.expiry + "'>" +
      "<input id='c' name='cvc' autocomplete='cc-csc' inputmode='numeric' aria-label='" + w.cvc +
      "' placeholder='" + w.cvc + "'>";
    var self = this;
    frame.addEventListener("load", function () {
      frame.contentDocument.addEventListener("input", function () { self.emit("change", self.state()); });
      self.emit("ready", {elementType: "card"});
    });
    node.appendChild(frame);
    this.frame = frame;
  };

  CardElement.prototype.on = function (event, handler) {
    (this.handlers[event] = this.handlers[event] || []).push(handler);
    return this;
  };

  CardElement.prototype.emit = function (event, payload) {
    (this.handlers[event] || []).forEach(function (handler) { handler(payload); });
  };

  CardElement.prototype.field = function (name) {
    var doc = this.frame && this.frame.contentDocument;
    var input = doc && doc.querySelector("input[name=" + name + "]");
    return input ? input.value : "";
  };

  // The card's details, or the validation error Stripe.js would give for them.
  CardElement.prototype.read = function () {
    var w = this.words;
    var fail = function (code) { return {error: {type: "validation_error", code: code, message: w[code]}}; };
    var number = this.field("cardnumber").replace(/[\s-]/g, "");
    if (number.length < 13 || !/^\d+$/.test(number)) { return fail("incomplete_number"); }
    if (!luhn(number)) { return fail("invalid_number"); }
    var expiry = this.field("exp-date").replace(/\s/g, "").match(/^(\d{1,2})\/?(\d{2})$/);
    if (!expiry) { return fail("incomplete_expiry"); }
    var month = Number(expiry[1]), year = 2000 + Number(expiry[2]);
    if (month < 1 || month > 12) { return fail("invalid_expiry_month"); }
    if (year < new Date().getFullYear()) { return fail("invalid_expiry_year_past"); }
    var cvc = this.field("cvc");
    if (!/^\d{3,4}$/.test(cvc)) { return fail("incomplete_cvc"); }
    return {card: {number: number, exp_month: month, exp_year: year, cvc: cvc}};
  };

  CardElement.prototype.state = function () {
    var read = this.read();
    return {elementType: "card", empty: !this.field("cardnumber"), complete: !read.error, error: undefined};
  };

  CardElement.prototype.focus = function () {
    if (this.frame) { this.frame.contentDocument.querySelector("input").focus(); }
  };

  CardElement.prototype.clear = function () {
    if (!this.frame) { return; }
    Array.prototype.forEach.call(this.frame.contentDocument.querySelectorAll("input"), function (input) {
      input.value = "";
    });
  };

  CardElement.prototype.update = function () {};

  CardElement.prototype.unmount = function () {
    if (this.frame) { this.frame.remove(); this.frame = null; }
  };

  CardElement.prototype.destroy = CardElement.prototype.unmount;

  // -- the 3-D Secure challenge -----------------------------------------------------------------------------

  // Shows the bank's page over the page until the customer has answered it (the intent leaves
  // requires_action); then resolves the intent as it is now.
  function challenge(url, retrieve) {
    return new Promise(function (resolve) {
      var overlay = document.createElement("div");
      overlay.setAttribute("data-fake-stripe", "3ds");
      overlay.style.cssText =
        "position: fixed; inset: 0; background: rgba(0,0,0,.4); display: flex; align-items: center; " +
        "justify-content: center; z-index: 2147483647;";
      var frame = document.createElement("iframe");
      frame.name = "stripe-challenge-frame";
      frame.title = "3D Secure challenge";
      frame.style.cssText = "width: 400px; height: 300px; border: 0; background: #fff;";
      frame.src = url;
      frame.addEventListener("load", function () {
        retrieve().then(function (result) {
          if (result.error || result.object.status !== "requires_action") {
            overlay.remove();
            resolve(result);
          }
        });
      });
      overlay.appendChild(frame);
      document.body.appendChild(overlay);
    });
  }

  // -- Stripe(publishableKey) -------------------------------------------------------------------------------

  function Stripe(publishableKey, options) {
    if (!(this instanceof Stripe)) { return new Stripe(publishableKey, options); }
    if (typeof publishableKey !== "string" || !publishableKey) {
      throw IntegrationError("Please call Stripe() with your publishable key. You used an empty string.");
    }
    if (!/^pk_(test|live)_/.test(publishableKey)) {
      throw IntegrationError(
        "Invalid API Key: " + publishableKey + ". You should use your publishable key (pk_…) with Stripe.js."
      );
    }
    this.key = publishableKey;
    this.locale = (options && options.locale) || "en";
    this.card = null;
  }

  Stripe.prototype.words = function () {
    var language = String(this.locale).split("-")[0];
    return WORDS[language] || WORDS.en;
  };

  Stripe.prototype.elements = function (options) {
    var stripe = this;
    if (options && options.locale && options.locale !== "auto") { stripe.locale = options.locale; }
    return {
      create: function (type) {
        if (type !== "card") {
          throw IntegrationError("The fake Stripe.js makes only the card Element, not " + type + ".");
        }
        stripe.card = new CardElement(stripe.words());
        return stripe.card;
      },
      getElement: function (type) { return type === "card" ? stripe.card : null; }
    };
  };

  Stripe.prototype.createPaymentMethod = function (data) {
    var stripe = this;
    if (!data || data.type !== "card" || !(data.card instanceof CardElement)) {
      throw IntegrationError("createPaymentMethod: expected {type: 'card', card: <the card Element>}.");
    }
    if (!data.card.frame) {
      throw IntegrationError("We could not retrieve data from the specified Element: it is not mounted.");
    }
    var read = data.card.read();
    if (read.error) { return Promise.resolve({error: read.error}); }
    var params = {type: "card", card: read.card, billing_details: data.billing_details};
    return call(stripe.key, "POST", "/v1/payment_methods", params, stripe.words()).then(function (result) {
      return result.error ? {error: result.error} : {paymentMethod: result.object};
    });
  };

  function intentOf(clientSecret, prefix, method) {
    var match = typeof clientSecret === "string" && clientSecret.match(/^([a-z]+_[A-Za-z0-9]+)_secret_\S+$/);
    if (!match || match[1].indexOf(prefix + "_") !== 0) {
      throw IntegrationError(
        "Invalid value for " + method + " intent secret: value should be a client_secret string. You specified: " +
          clientSecret + "."
      );
    }
    return match[1];
  }

  Stripe.prototype.retrieve = function (kind, clientSecret) {
    var id = intentOf(clientSecret, kind === "payment_intents" ? "pi" : "seti", "retrieve");
    return call(this.key, "GET", "/v1/" + kind + "/" + id, {client_secret: clientSecret}, this.words());
  };

  Stripe.prototype.retrievePaymentIntent = function (clientSecret) {
    return this.retrieve("payment_intents", clientSecret).then(function (result) {
      return result.error ? {error: result.error} : {paymentIntent: result.object};
    });
  };

  Stripe.prototype.retrieveSetupIntent = function (clientSecret) {
    return this.retrieve("setup_intents", clientSecret).then(function (result) {
      return result.error ? {error: result.error} : {setupIntent: result.object};
    });
  };

  // confirmCardPayment and confirmCardSetup: the PaymentMethod, the confirmation, the challenge.
  Stripe.prototype.confirm = function (kind, clientSecret, data, options) {
    var stripe = this;
    var payment = kind === "payment_intents";
    var method = payment ? "confirmCardPayment" : "confirmCardSetup";
    var resultKey = payment ? "paymentIntent" : "setupIntent";
    var id = intentOf(clientSecret, payment ? "pi" : "seti", method);
    data = data || {};
    var words = stripe.words();
    var wrap = function (result) {
      var out = {};
      if (result.error) { out.error = result.error; } else { out[resultKey] = result.object; }
      return out;
    };

    var paymentMethod;
    if (typeof data.payment_method === "string") {
      paymentMethod = Promise.resolve({id: data.payment_method});
    } else if (data.payment_method && data.payment_method.card) {
      paymentMethod = stripe.createPaymentMethod({
        type: "card", card: data.payment_method.card, billing_details: data.payment_method.billing_details
      }).then(function (result) { return result.error ? {error: result.error} : {id: result.paymentMethod.id}; });
    } else if (data.payment_method === undefined) {
      paymentMethod = Promise.resolve({id: undefined});  // the intent's own payment method
    } else {
      throw IntegrationError("Invalid value for " + method + ": payment_method should be an id or {card: Element}.");
    }

    return paymentMethod.then(function (pm) {
      if (pm.error) { return {error: pm.error}; }
      var params = {client_secret: clientSecret, payment_method: pm.id, use_stripe_sdk: "true"};
      ["setup_future_usage", "return_url", "receipt_email", "shipping"].forEach(function (name) {
        if (data[name] !== undefined) { params[name] = data[name]; }
      });
      var path = "/v1/" + kind + "/" + id;
      return call(stripe.key, "POST", path + "/confirm", params, words).then(function (confirmed) {
        if (confirmed.error) { return wrap(confirmed); }
        var intent = confirmed.object;
        var action = intent.next_action;
        if (intent.status !== "requires_action" || !action || (options && options.handleActions === false)) {
          return wrap(confirmed);
        }
        if (action.type === "redirect_to_url") {
          window.location.assign(action.redirect_to_url.url);
          return new Promise(function () {});  // the page is leaving
        }
        var retrieve = function () { return stripe.retrieve(kind, clientSecret); };
        return challenge(action.use_stripe_sdk.stripe_js, retrieve).then(function (answered) {
          if (answered.error) { return wrap(answered); }
          var after = answered.object;
          if (after.status !== "requires_payment_method") { return wrap(answered); }
          var error = {
            type: "invalid_request_error",
            code: payment ? "payment_intent_authentication_failure" : "setup_intent_authentication_failure",
            message: words.authentication_failure
          };
          error[payment ? "payment_intent" : "setup_intent"] = after;
          return {error: error};
        });
      });
    });
  };

  Stripe.prototype.confirmCardPayment = function (clientSecret, data, options) {
    return this.confirm("payment_intents", clientSecret, data, options);
  };

  Stripe.prototype.confirmCardSetup = function (clientSecret, data, options) {
    return this.confirm("setup_intents", clientSecret, data, options);
  };

  window.Stripe = Stripe;
})();
