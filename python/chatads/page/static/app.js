// The transparency page: reads the control link's token from the URL fragment, then
// shows and changes the person's ad settings through the page's JSON API.
// No inline script, no framework, nothing loaded from elsewhere (CSP default-src 'self').
"use strict";

(function () {
  // ---- strings ---------------------------------------------------------------------

  const STRINGS = {
    en: {
      page_title: "Your ads, your choice",
      skip: "Skip to the content",
      brand: "Ads in your chat",
      loading: "Loading…",
      invalid_title: "This link has expired or is invalid",
      invalid_body: "For your privacy, links to this page only work for a short time, and only for the person they were made for.",
      invalid_next: "Ask your chat app for a new one: look for “Why this ad?” or “Manage my ads” next to an ad.",
      title: "Your ads, your choice",
      lead: "This page shows what shapes the ads in your chat, and lets you change it. Only you can open it, with the private link your chat app gave you.",
      toc: "On this page",
      history_title: "Ads you’ve seen, and why",
      history_hint: "The ads shown to you recently, newest first, with the reason each was chosen.",
      history_empty: "No ads have been shown to you recently.",
      history_clear_all: "Delete all ad history",
      history_more: "Show all {n} ads",
      history_fewer: "Show fewer",
      interests_title: "Your interests",
      interests_hint: "What your conversations suggest you are interested in, in the standard Topics list. They fade on their own over time.",
      interests_empty: "No interests are held about you.",
      blocked_title: "Blocked topics",
      blocked_hint: "You never see ads about these topics (or their subtopics), and nothing about them is learnt from your conversations.",
      blocked_empty: "You have not blocked any topic.",
      block_other: "Block another topic",
      block: "Block",
      block_help: "Start typing, for example “Fast Food” or “Luxury Goods”, and pick a topic from the list.",
      block_unknown: "“{name}” is not in the list of topics: pick one from the suggestions.",
      hidden_title: "Hidden ads and advertisers",
      hidden_hint: "You never see these ads, or any ad from these advertisers, again.",
      hidden_empty: "You have not hidden any ad.",
      level_title: "How personal your ads are",
      level_full: "Personalised",
      level_full_desc: "Chosen from the conversation and the interests it suggests.",
      level_contextual: "Current message only",
      level_contextual_desc: "Chosen from what you are saying right now. Nothing is learnt about you.",
      level_none: "No ads",
      level_none_desc: "No ads are shown to you in the chat.",
      optout_title: "Opt out of personalised ads",
      optout_label: "I opt out of personalised ads",
      optout_hint: "Opting out deletes your interests at once and keeps them off until you opt back in. Ads can then only come from the current message.",
      forget_title: "Forget me",
      forget_body: "Delete everything held about you: your interests, your ad history, hidden ads, blocked topics and your choices on this page.",
      forget_start: "Forget me…",
      forget_sure: "Are you sure?",
      forget_undo: "This cannot be undone.",
      forget_yes: "Yes, forget me",
      cancel: "Cancel",
      footer: "This page sets no cookies and loads nothing from other sites. Your link is private: do not share it.",
      // dynamic
      shown_once: "Shown on {when}",
      shown_many: "Shown {n} times, last on {when}",
      basis_personalized: "From your interests",
      basis_contextual: "From the conversation",
      why_personalized: "Chosen because your interests and the conversation matched it{topics}.",
      why_contextual: "Chosen only from what was being said in the conversation{topics}; your interests were not used.",
      why_topics: ": {topics}",
      more_why: "More about why",
      less_why: "Less",
      hide_ad: "Hide this ad",
      hide_advertiser: "Hide all ads from {advertiser}",
      unhide_ad: "Show this ad again",
      hidden_badge: "Hidden",
      delete_entry: "Delete from history",
      explain_loading: "Looking up why…",
      explain_about: "This ad is about:",
      explain_shared: "Your interests it matches:",
      explain_no_shared: "It matches none of your interests: it could only be chosen from the conversation.",
      explain_no_profile: "No interests are held about you, so it could only be chosen from the conversation.",
      explain_match: "How closely it matches your interests: {pct}.",
      explain_rules: "Ads are chosen by how closely they match the current conversation and, only with your consent, your interests. Among matching ads, those with a higher bid and a higher chance of being clicked come first, and one advertiser shows at most one ad at a time.",
      explain_change: "To change this, hide the ad or its advertiser, block one of its topics, or choose “Current message only” below.",
      explain_block: "Block “{name}”",
      remove: "Remove",
      remove_aria: "Remove “{name}” from your interests",
      block_aria: "Block “{name}”",
      unblock: "Unblock",
      unblock_aria: "Unblock “{name}”",
      unhide: "Show again",
      unhide_aria: "Show “{name}” again",
      all_from: "All ads from {advertiser}",
      share: "{pct} of your interests",
      summary_none: "No interest profile is held about you.",
      summary_opted_out: "No interest profile is held: you opted out of personalised ads. Only the current message is used to choose ads, and nothing is stored.",
      summary: "These interests come from {turns} of your messages between {from} and {to}. No message text is kept. Legal basis: {basis}. Unless you chat again, they are deleted on {expires}.",
      summary_one_day: "These interests come from {turns} of your messages on {from}. No message text is kept. Legal basis: {basis}. Unless you chat again, they are deleted on {expires}.",
      basis_consent: "your consent (IAB TCF purposes 3 and 4)",
      basis_not_gdpr: "the GDPR did not apply to the request",
      basis_caller: "provided by the operator, who vouched for your consent",
      done_hide: "“{name}” is hidden. You will not see it again.",
      done_hide_advertiser: "Ads from {name} are hidden.",
      done_unhide: "“{name}” can be shown again.",
      done_block: "“{name}” is blocked.",
      done_unblock: "“{name}” is no longer blocked.",
      done_remove: "“{name}” was removed from your interests.",
      done_level: "Saved: {level}.",
      done_opt_out: "You opted out of personalised ads. Your interests were deleted.",
      done_opt_in: "You opted back in to personalised ads.",
      done_clear_one: "“{name}” was deleted from your ad history.",
      done_clear_all: "Your ad history was deleted.",
      done_forget: "Everything held about you has been deleted. Nothing about you is held any more.",
      failed: "That did not work: {message}",
      offline: "The page could not reach the server. Check your connection and try again.",
    },
    fr: {
      page_title: "Vos publicités, vos choix",
      skip: "Aller au contenu",
      brand: "Publicités dans votre chat",
      loading: "Chargement…",
      invalid_title: "Ce lien a expiré ou n’est pas valide",
      invalid_body: "Pour protéger votre vie privée, les liens vers cette page ne fonctionnent que peu de temps, et seulement pour la personne à qui ils sont destinés.",
      invalid_next: "Demandez-en un nouveau à votre application de chat : cherchez « Pourquoi cette publicité ? » ou « Gérer mes publicités » à côté d’une publicité.",
      title: "Vos publicités, vos choix",
      lead: "Cette page montre ce qui détermine les publicités de votre chat, et vous permet de le changer. Vous seul pouvez l’ouvrir, avec le lien privé que votre application de chat vous a donné.",
      toc: "Sur cette page",
      history_title: "Les publicités vues, et pourquoi",
      history_hint: "Les publicités qui vous ont été montrées récemment, les plus récentes d’abord, avec la raison de chacune.",
      history_empty: "Aucune publicité ne vous a été montrée récemment.",
      history_clear_all: "Effacer tout l’historique",
      history_more: "Afficher les {n} publicités",
      history_fewer: "En afficher moins",
      interests_title: "Vos centres d’intérêt",
      interests_hint: "Ce que vos conversations laissent penser de vos centres d’intérêt, selon la liste standard Topics. Ils s’estompent d’eux-mêmes avec le temps.",
      interests_empty: "Aucun centre d’intérêt n’est conservé à votre sujet.",
      blocked_title: "Sujets bloqués",
      blocked_hint: "Vous ne voyez jamais de publicité sur ces sujets (ni leurs sous-sujets), et rien n’en est retenu de vos conversations.",
      blocked_empty: "Vous n’avez bloqué aucun sujet.",
      block_other: "Bloquer un autre sujet",
      block: "Bloquer",
      block_help: "Commencez à écrire, par exemple « Fast Food » ou « Luxury Goods », et choisissez un sujet dans la liste (les noms des sujets sont en anglais).",
      block_unknown: "« {name} » n’est pas dans la liste des sujets : choisissez-en un parmi les suggestions.",
      hidden_title: "Publicités et annonceurs masqués",
      hidden_hint: "Vous ne verrez plus jamais ces publicités, ni aucune publicité de ces annonceurs.",
      hidden_empty: "Vous n’avez masqué aucune publicité.",
      level_title: "À quel point vos publicités sont personnalisées",
      level_full: "Personnalisées",
      level_full_desc: "Choisies d’après la conversation et les centres d’intérêt qu’elle suggère.",
      level_contextual: "Message en cours seulement",
      level_contextual_desc: "Choisies d’après ce que vous dites en ce moment. Rien n’est retenu sur vous.",
      level_none: "Aucune publicité",
      level_none_desc: "Aucune publicité ne vous est montrée dans le chat.",
      optout_title: "Refuser les publicités personnalisées",
      optout_label: "Je refuse les publicités personnalisées",
      optout_hint: "Refuser efface aussitôt vos centres d’intérêt et les laisse éteints jusqu’à ce que vous acceptiez de nouveau. Les publicités ne peuvent alors venir que du message en cours.",
      forget_title: "M’oublier",
      forget_body: "Effacer tout ce qui est conservé à votre sujet : vos centres d’intérêt, votre historique de publicités, les publicités masquées, les sujets bloqués et vos choix sur cette page.",
      forget_start: "M’oublier…",
      forget_sure: "En êtes-vous sûr ?",
      forget_undo: "C’est irréversible.",
      forget_yes: "Oui, m’oublier",
      cancel: "Annuler",
      footer: "Cette page ne dépose aucun cookie et ne charge rien depuis d’autres sites. Votre lien est privé : ne le partagez pas.",
      shown_once: "Vue le {when}",
      shown_many: "Vue {n} fois, la dernière le {when}",
      basis_personalized: "D’après vos centres d’intérêt",
      basis_contextual: "D’après la conversation",
      why_personalized: "Choisie parce que vos centres d’intérêt et la conversation y correspondaient{topics}.",
      why_contextual: "Choisie uniquement d’après ce qui se disait dans la conversation{topics} ; vos centres d’intérêt n’ont pas servi.",
      why_topics: " : {topics}",
      more_why: "En savoir plus",
      less_why: "Moins",
      hide_ad: "Masquer cette publicité",
      hide_advertiser: "Masquer toutes les publicités de {advertiser}",
      unhide_ad: "Afficher de nouveau cette publicité",
      hidden_badge: "Masquée",
      delete_entry: "Effacer de l’historique",
      explain_loading: "Recherche de la raison…",
      explain_about: "Cette publicité porte sur :",
      explain_shared: "Vos centres d’intérêt qui y correspondent :",
      explain_no_shared: "Elle ne correspond à aucun de vos centres d’intérêt : elle n’a pu être choisie que d’après la conversation.",
      explain_no_profile: "Aucun centre d’intérêt n’est conservé à votre sujet : elle n’a pu être choisie que d’après la conversation.",
      explain_match: "Proximité avec vos centres d’intérêt : {pct}.",
      explain_rules: "Les publicités sont choisies selon leur proximité avec la conversation en cours et, seulement avec votre consentement, avec vos centres d’intérêt. Parmi elles, celles dont l’enchère et la probabilité de clic sont les plus élevées passent en premier, et un annonceur ne montre qu’une publicité à la fois.",
      explain_change: "Pour changer cela, masquez la publicité ou son annonceur, bloquez l’un de ses sujets, ou choisissez « Message en cours seulement » plus bas.",
      explain_block: "Bloquer « {name} »",
      remove: "Retirer",
      remove_aria: "Retirer « {name} » de vos centres d’intérêt",
      block_aria: "Bloquer « {name} »",
      unblock: "Débloquer",
      unblock_aria: "Débloquer « {name} »",
      unhide: "Afficher de nouveau",
      unhide_aria: "Afficher de nouveau « {name} »",
      all_from: "Toutes les publicités de {advertiser}",
      share: "{pct} de vos centres d’intérêt",
      summary_none: "Aucun profil de centres d’intérêt n’est conservé à votre sujet.",
      summary_opted_out: "Aucun profil n’est conservé : vous avez refusé les publicités personnalisées. Seul le message en cours sert à choisir les publicités, et rien n’est enregistré.",
      summary: "Ces centres d’intérêt viennent de {turns} de vos messages, entre le {from} et le {to}. Aucun texte de message n’est conservé. Base légale : {basis}. Sauf si vous écrivez de nouveau, ils seront effacés le {expires}.",
      summary_one_day: "Ces centres d’intérêt viennent de {turns} de vos messages du {from}. Aucun texte de message n’est conservé. Base légale : {basis}. Sauf si vous écrivez de nouveau, ils seront effacés le {expires}.",
      basis_consent: "votre consentement (finalités 3 et 4 du TCF de l’IAB)",
      basis_not_gdpr: "le RGPD ne s’appliquait pas à la requête",
      basis_caller: "fournis par l’opérateur, qui s’est porté garant de votre consentement",
      done_hide: "« {name} » est masquée. Vous ne la verrez plus.",
      done_hide_advertiser: "Les publicités de {name} sont masquées.",
      done_unhide: "« {name} » peut de nouveau être montrée.",
      done_block: "« {name} » est bloqué.",
      done_unblock: "« {name} » n’est plus bloqué.",
      done_remove: "« {name} » a été retiré de vos centres d’intérêt.",
      done_level: "Enregistré : {level}.",
      done_opt_out: "Vous avez refusé les publicités personnalisées. Vos centres d’intérêt ont été effacés.",
      done_opt_in: "Vous acceptez de nouveau les publicités personnalisées.",
      done_clear_one: "« {name} » a été effacée de votre historique.",
      done_clear_all: "Votre historique de publicités a été effacé.",
      done_forget: "Tout ce qui était conservé à votre sujet a été effacé. Plus rien n’est conservé sur vous.",
      failed: "Cela n’a pas fonctionné : {message}",
      offline: "La page n’a pas pu joindre le serveur. Vérifiez votre connexion et réessayez.",
    },
  };
  const LANGS = Object.keys(STRINGS);
  const LEVEL_NAMES = { LEVEL_FULL: "full", LEVEL_CONTEXTUAL: "contextual", LEVEL_NO_ADS: "none" };

  let lang = chooseLanguage();
  let token = "";
  let current = null; // the last state from the API
  const explanations = new Map(); // ad_id → AdExplanation (or a pending marker)
  const open = new Set(); // ad ids whose "more about why" is open
  let topicsByName = null; // readable topic name → id, for the block box
  let allHistory = false; // all the ads seen, or only the latest few
  const HISTORY_PREVIEW = 3;

  function chooseLanguage() {
    let saved = null;
    try {
      saved = window.localStorage.getItem("chatads-lang");
    } catch (e) {
      saved = null; // storage disabled: fall back to the browser's language
    }
    if (saved && LANGS.includes(saved)) return saved;
    const wanted = (navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || "en"]);
    for (const tag of wanted) {
      const base = String(tag).toLowerCase().split("-")[0];
      if (LANGS.includes(base)) return base;
    }
    return "en";
  }

  function t(key, values) {
    let text = STRINGS[lang][key];
    if (text === undefined) text = STRINGS.en[key] || key;
    if (values) {
      text = text.replace(/\{(\w+)\}/g, (m, name) => (name in values ? String(values[name]) : m));
    }
    return text;
  }

  // ---- small DOM helpers (text only: nothing from the API is parsed as HTML) --------

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [name, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (name === "text") node.textContent = value;
        else if (name === "class") node.className = value;
        else if (name === "onclick") node.addEventListener("click", value);
        else node.setAttribute(name, value === true ? "" : value);
      }
    }
    for (const child of children || []) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function button(label, onClick, extra) {
    return el("button", Object.assign({ type: "button", class: "btn quiet", text: label, onclick: onClick }, extra || {}));
  }

  function topicParts(name) {
    const parts = String(name || "").split("/").filter(Boolean);
    return { leaf: parts.length ? parts[parts.length - 1] : String(name || ""), parent: parts.slice(0, -1).join(" › ") };
  }

  function readableTopic(name) {
    return String(name || "").split("/").filter(Boolean).join(" › ");
  }

  function topicNames(topics) {
    return (topics || []).map((x) => topicParts(x.name).leaf).join(", ");
  }

  function formatDate(seconds) {
    const d = new Date(Number(seconds) * 1000);
    return new Intl.DateTimeFormat(lang, { dateStyle: "long" }).format(d);
  }

  function formatPercent(share) {
    return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 0 }).format(share);
  }

  function formatWhen(ms) {
    const d = new Date(Number(ms));
    return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(d);
  }

  // ---- the API ----------------------------------------------------------------------

  class LinkError extends Error {}

  async function api(path, body) {
    const init = {
      method: body === undefined ? "GET" : "POST",
      headers: { Authorization: "Bearer " + token, Accept: "application/json" },
      cache: "no-store",
      credentials: "omit",
      referrerPolicy: "no-referrer",
    };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new Error(t("offline"));
    }
    let data = {};
    try {
      data = await response.json();
    } catch (e) {
      data = {};
    }
    if (response.status === 401) throw new LinkError(data.error || "invalid link");
    if (!response.ok) throw new Error(data.error || String(response.status));
    return data;
  }

  function readToken() {
    const params = new URLSearchParams(window.location.hash.replace(/^#/, ""));
    const fromUrl = params.get("t");
    if (fromUrl) {
      // Out of the address bar (and so out of bookmarks, history and screenshots);
      // kept for this tab only, so a reload still works.
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
      try {
        window.sessionStorage.setItem("chatads-token", fromUrl);
      } catch (e) {
        // storage disabled: the token lives in memory only
      }
      return fromUrl;
    }
    try {
      return window.sessionStorage.getItem("chatads-token") || "";
    } catch (e) {
      return "";
    }
  }

  function showInvalid() {
    token = "";
    try {
      window.sessionStorage.removeItem("chatads-token");
    } catch (e) {
      // nothing stored
    }
    $("loading").hidden = true;
    $("app").hidden = true;
    $("invalid").hidden = false;
    $("invalid-title").focus();
  }

  function say(message, isError) {
    const status = $("status");
    status.textContent = message;
    status.classList.toggle("error", Boolean(isError));
  }

  // One change: call, re-render from the state it returns, say what happened.
  async function act(path, body, done, focusId) {
    try {
      const reply = await api(path, body);
      render(reply.me);
      say(typeof done === "function" ? done(reply.result || {}) : done, false);
    } catch (e) {
      if (e instanceof LinkError) return showInvalid();
      if (current) render(current); // undo what the control shows (a radio, the switch)
      say(t("failed", { message: e.message }), true);
    }
    // The button pressed may be gone: keep keyboard users in the same section.
    if (focusId && (!document.activeElement || document.activeElement === document.body)) {
      $(focusId).focus();
    }
  }

  async function load() {
    try {
      render(await api("/api/me"));
      $("loading").hidden = true;
      $("app").hidden = false;
    } catch (e) {
      if (e instanceof LinkError) return showInvalid();
      $("loading").textContent = t("failed", { message: e.message });
    }
  }

  // ---- rendering --------------------------------------------------------------------

  function applyStrings() {
    document.documentElement.lang = lang;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      node.textContent = t(node.getAttribute("data-i18n"));
    }
    document.title = t("page_title");
    for (const b of document.querySelectorAll(".lang-btn")) {
      b.setAttribute("aria-pressed", String(b.getAttribute("data-lang") === lang));
    }
  }

  function render(state) {
    current = state;
    renderHistory(state);
    renderInterests(state.profile);
    renderBlocked(state.controls);
    renderHidden(state.controls);
    renderLevel(state.controls);
    $("opt-out").checked = Boolean(state.controls.opted_out || state.profile.opted_out);
  }

  function whyText(entry) {
    if (lang === "en" && entry.explanation) return entry.explanation;
    const names = topicNames(entry.topics);
    const topics = names ? t("why_topics", { topics: names }) : "";
    return entry.personalization === "PERSONALIZED"
      ? t("why_personalized", { topics })
      : t("why_contextual", { topics });
  }

  function renderHistory(state) {
    const list = $("history-list");
    list.replaceChildren();
    // One card per ad (entries come newest first), however often it was shown.
    const byAd = new Map();
    for (const entry of state.history.entries || []) {
      if (!byAd.has(entry.ad_id)) byAd.set(entry.ad_id, { last: entry, count: 0 });
      byAd.get(entry.ad_id).count += 1;
    }
    const hiddenAds = new Set((state.controls.hidden_ads || []).map((h) => h.ad_id));
    const hiddenAdvertisers = new Set((state.controls.hidden_advertisers || []).map((h) => h.advertiser));
    let i = 0;
    for (const [adId, { last, count }] of byAd) {
      i += 1;
      if (i > HISTORY_PREVIEW && !allHistory) break;
      const name = last.title || adId;
      const hidden = hiddenAds.has(adId) || hiddenAdvertisers.has(last.advertiser);
      const when = formatWhen(last.shown_at_ms);
      const basis = last.personalization === "PERSONALIZED" ? "personalized" : "contextual";
      const explainId = "explain-" + i;
      const isOpen = open.has(adId);
      const actions = [
        button(isOpen ? t("less_why") : t("more_why"), () => toggleExplain(adId), {
          "aria-expanded": String(isOpen),
          "aria-controls": explainId,
          "data-action": "explain",
        }),
      ];
      if (hiddenAds.has(adId)) {
        actions.push(button(t("unhide_ad"), () => act("/api/unhide", { ad_id: adId }, t("done_unhide", { name }), "h-history"), { "data-action": "unhide" }));
      } else if (!hidden) {
        actions.push(button(t("hide_ad"), () => act("/api/hide", { ad_id: adId }, t("done_hide", { name }), "h-history"), { "data-action": "hide" }));
        actions.push(
          button(t("hide_advertiser", { advertiser: last.advertiser }), () =>
            act("/api/hide", { ad_id: adId, whole_advertiser: true }, t("done_hide_advertiser", { name: last.advertiser }), "h-history"), { "data-action": "hide-advertiser" },
          ),
        );
      }
      actions.push(
        button(t("delete_entry"), () => act("/api/history/clear", { ad_id: adId }, t("done_clear_one", { name }), "h-history"), {
          "data-action": "delete",
        }),
      );
      const card = el("li", { class: "card" + (hidden ? " is-hidden" : ""), "data-ad-id": adId }, [
        el("div", { class: "card-head" }, [
          el("h3", { class: "card-title", text: name }),
          hidden ? el("span", { class: "badge muted", text: t("hidden_badge") }) : null,
          el("span", { class: "badge " + basis, text: t("basis_" + basis) }),
        ]),
        el("p", { class: "meta", text: last.advertiser + " · " + (count > 1 ? t("shown_many", { n: count, when }) : t("shown_once", { when })) }),
        el("p", { class: "why", text: whyText(last) }),
        el("div", { class: "actions" }, actions),
        renderExplain(adId, explainId, isOpen),
      ]);
      list.append(card);
    }
    $("history-empty").hidden = byAd.size > 0;
    $("history-clear-all").hidden = byAd.size === 0;
    const more = $("history-more");
    more.hidden = byAd.size <= HISTORY_PREVIEW;
    more.textContent = allHistory ? t("history_fewer") : t("history_more", { n: byAd.size });
    more.setAttribute("aria-expanded", String(allHistory));
  }

  function renderExplain(adId, id, isOpen) {
    const box = el("div", { class: "explain", id: id, hidden: !isOpen });
    if (!isOpen) return box;
    const ex = explanations.get(adId);
    if (!ex || ex.pending) {
      box.append(el("p", { text: t("explain_loading") }));
      return box;
    }
    if (ex.error) {
      box.append(el("p", { class: "error", text: ex.error }));
      return box;
    }
    if (lang === "en" && ex.explanation) box.append(el("p", { text: ex.explanation }));
    else box.append(el("p", { text: t("explain_rules") }));
    const adTopics = ex.ad_topics || [];
    if (adTopics.length) {
      box.append(el("p", { class: "label", text: t("explain_about") }));
      box.append(
        el(
          "ul",
          { class: "chips" },
          adTopics.map((topic) =>
            el("li", { class: "chip" }, [
              el("span", { text: topicParts(topic.name).leaf, title: readableTopic(topic.name) }),
              button(t("block"), () => act("/api/block", { topic_id: topic.id }, t("done_block", { name: topicParts(topic.name).leaf }), "h-history"), {
                class: "btn quiet small",
                "aria-label": t("explain_block", { name: topicParts(topic.name).leaf }),
              }),
            ]),
          ),
        ),
      );
    }
    const shared = ex.shared_topics || [];
    if (!(ex.interest_topics || []).length) box.append(el("p", { text: t("explain_no_profile") }));
    else if (!shared.length) box.append(el("p", { text: t("explain_no_shared") }));
    else {
      box.append(el("p", { text: t("explain_shared") + " " + topicNames(shared) + "." }));
      box.append(el("p", { text: t("explain_match", { pct: formatPercent(Math.max(0, Number(ex.relevance || 0))) }) }));
    }
    box.append(el("p", { class: "change", text: t("explain_change") }));
    return box;
  }

  async function toggleExplain(adId) {
    if (open.has(adId)) {
      open.delete(adId);
      render(current);
      return;
    }
    open.add(adId);
    if (!explanations.has(adId) || explanations.get(adId).error) {
      explanations.set(adId, { pending: true });
      render(current);
      try {
        explanations.set(adId, await api("/api/explain?ad_id=" + encodeURIComponent(adId)));
      } catch (e) {
        if (e instanceof LinkError) return showInvalid();
        explanations.set(adId, { error: t("failed", { message: e.message }) });
      }
    }
    render(current);
    const card = document.querySelector('[data-ad-id="' + CSS.escape(adId) + '"] .actions button');
    if (card) card.focus();
  }

  function renderInterests(profile) {
    const list = $("interest-list");
    list.replaceChildren();
    const topics = profile.topics || [];
    for (const topic of topics) {
      const { leaf, parent } = topicParts(topic.name);
      const pct = Math.round(100 * Number(topic.weight || 0));
      const bar = el("span", { class: "bar-fill" });
      bar.style.width = Math.max(2, Math.min(100, pct)) + "%";
      list.append(
        el("li", { class: "interest", "data-topic-id": String(topic.id) }, [
          el("div", { class: "interest-name" }, [
            el("span", { class: "topic-leaf", text: leaf }),
            parent ? el("span", { class: "topic-parent", text: parent }) : null,
          ]),
          el("div", { class: "bar", role: "img", "aria-label": t("share", { pct: formatPercent(pct / 100) }) }, [bar]),
          el("span", { class: "pct", "aria-hidden": "true", text: formatPercent(pct / 100) }),
          el("div", { class: "actions" }, [
            button(t("remove"), () => act("/api/remove-interest", { topic_id: topic.id }, t("done_remove", { name: leaf }), "h-interests"), {
              "aria-label": t("remove_aria", { name: leaf }),
              "data-action": "remove",
            }),
            button(t("block"), () => act("/api/block", { topic_id: topic.id }, t("done_block", { name: leaf }), "h-interests"), {
              "aria-label": t("block_aria", { name: leaf }),
              "data-action": "block",
            }),
          ]),
        ]),
      );
    }
    $("interests-empty").hidden = topics.length > 0;
    $("profile-summary").textContent = summaryText(profile);
  }

  function summaryText(p) {
    if (!p.exists) return p.opted_out ? t("summary_opted_out") : t("summary_none");
    const bases = {
      "consent (IAB TCF purposes 3 and 4)": "basis_consent",
      "GDPR did not apply to the request (regs.gdpr = 0)": "basis_not_gdpr",
      "provided in-process by the operator, who vouched for consent": "basis_caller",
    };
    const basis = bases[p.consent_basis] ? t(bases[p.consent_basis]) : p.consent_basis || "-";
    const from = formatDate(p.created_at);
    const to = formatDate(p.updated_at);
    return t(from === to ? "summary_one_day" : "summary", {
      turns: Number(p.turns || 0),
      from,
      to,
      basis,
      expires: formatDate(p.expires_at),
    });
  }

  function renderBlocked(controls) {
    const list = $("blocked-list");
    list.replaceChildren();
    const blocked = controls.blocked_topics || [];
    for (const topic of blocked) {
      const { leaf } = topicParts(topic.name);
      list.append(
        el("li", { class: "chip", "data-topic-id": String(topic.id) }, [
          el("span", { text: leaf, title: readableTopic(topic.name) }),
          button(t("unblock"), () => act("/api/unblock", { topic_id: topic.id }, t("done_unblock", { name: leaf }), "h-blocked"), {
            class: "btn quiet small",
            "aria-label": t("unblock_aria", { name: leaf }),
          }),
        ]),
      );
    }
    $("blocked-empty").hidden = blocked.length > 0;
  }

  function renderHidden(controls) {
    const list = $("hidden-list");
    list.replaceChildren();
    const ads = controls.hidden_ads || [];
    const advertisers = controls.hidden_advertisers || [];
    for (const ad of ads) {
      const name = ad.title || ad.ad_id;
      list.append(
        el("li", { class: "chip", "data-ad-id": ad.ad_id }, [
          el("span", { text: name + (ad.advertiser ? " (" + ad.advertiser + ")" : "") }),
          button(t("unhide"), () => act("/api/unhide", { ad_id: ad.ad_id }, t("done_unhide", { name }), "h-hidden"), {
            class: "btn quiet small",
            "aria-label": t("unhide_aria", { name }),
          }),
        ]),
      );
    }
    for (const adv of advertisers) {
      const name = t("all_from", { advertiser: adv.advertiser });
      list.append(
        el("li", { class: "chip", "data-advertiser": adv.advertiser }, [
          el("span", { text: name }),
          button(t("unhide"), () => act("/api/unhide", { advertiser: adv.advertiser }, t("done_unhide", { name: adv.advertiser }), "h-hidden"), {
            class: "btn quiet small",
            "aria-label": t("unhide_aria", { name }),
          }),
        ]),
      );
    }
    $("hidden-empty").hidden = ads.length + advertisers.length > 0;
  }

  function renderLevel(controls) {
    const level = LEVEL_NAMES[controls.level] || "full";
    for (const radio of document.querySelectorAll('input[name="level"]')) {
      radio.checked = radio.value === level;
    }
  }

  // ---- the block box: any topic of the taxonomy --------------------------------------

  async function loadTopics() {
    if (topicsByName) return;
    topicsByName = new Map();
    try {
      const { topics } = await api("/api/topics");
      const options = $("topic-options");
      for (const topic of topics) {
        const name = readableTopic(topic.name);
        topicsByName.set(name.toLowerCase(), { id: topic.id, name });
        options.append(el("option", { value: name }));
      }
    } catch (e) {
      topicsByName = null;
      if (e instanceof LinkError) showInvalid();
    }
  }

  async function onBlockSubmit(event) {
    event.preventDefault();
    const input = $("block-input");
    const error = $("block-error");
    await loadTopics();
    const typed = input.value.trim();
    if (!typed) {
      input.focus();
      return;
    }
    let found = topicsByName && topicsByName.get(typed.toLowerCase());
    if (!found && topicsByName) {
      // A leaf name alone ("Gambling") is enough when only one topic has it.
      const matches = [...topicsByName.values()].filter((x) => topicParts(x.name.replaceAll(" › ", "/")).leaf.toLowerCase() === typed.toLowerCase());
      if (matches.length === 1) found = matches[0];
    }
    if (!found) {
      error.textContent = t("block_unknown", { name: typed });
      error.hidden = false;
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    error.hidden = true;
    input.removeAttribute("aria-invalid");
    input.value = "";
    const leaf = found.name.split(" › ").pop();
    await act("/api/block", { topic_id: found.id }, t("done_block", { name: leaf }), "h-blocked");
  }

  // ---- wiring -----------------------------------------------------------------------

  function setLanguage(next) {
    lang = next;
    try {
      window.localStorage.setItem("chatads-lang", next);
    } catch (e) {
      // not remembered, that is all
    }
    applyStrings();
    if (current) render(current);
    const error = $("block-error");
    if (!error.hidden) error.hidden = true;
  }

  function wire() {
    for (const b of document.querySelectorAll(".lang-btn")) {
      b.addEventListener("click", () => setLanguage(b.getAttribute("data-lang")));
    }
    $("history-more").addEventListener("click", () => {
      allHistory = !allHistory;
      render(current);
    });
    $("history-clear-all").addEventListener("click", () => act("/api/history/clear", {}, t("done_clear_all"), "h-history"));
    for (const radio of document.querySelectorAll('input[name="level"]')) {
      radio.addEventListener("change", () => {
        if (!radio.checked) return;
        const label = t("level_" + radio.value);
        act("/api/personalization", { level: radio.value }, t("done_level", { level: label }));
      });
    }
    $("opt-out").addEventListener("change", (event) => {
      const optedOut = event.target.checked;
      act("/api/opt-out", { opted_out: optedOut }, optedOut ? t("done_opt_out") : t("done_opt_in"));
    });
    $("forget-start").addEventListener("click", () => {
      $("forget-confirm").hidden = false;
      $("forget-start").setAttribute("aria-expanded", "true");
      $("forget-question").focus();
    });
    $("forget-no").addEventListener("click", () => {
      $("forget-confirm").hidden = true;
      $("forget-start").setAttribute("aria-expanded", "false");
      $("forget-start").focus();
    });
    $("forget-yes").addEventListener("click", async () => {
      $("forget-confirm").hidden = true;
      $("forget-start").setAttribute("aria-expanded", "false");
      explanations.clear();
      open.clear();
      await act("/api/forget", { confirm: true }, t("done_forget"), "status");
    });
    $("block-form").addEventListener("submit", onBlockSubmit);
    $("block-input").addEventListener("focus", loadTopics, { once: true });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !$("forget-confirm").hidden) $("forget-no").click();
    });
  }

  function start() {
    applyStrings();
    wire();
    token = readToken();
    if (!token) return showInvalid();
    load();
  }

  // A new link opened in a tab already on this page only changes the fragment:
  // the page is not reloaded, so take the new token from here.
  function onHashChange() {
    if (!new URLSearchParams(window.location.hash.replace(/^#/, "")).get("t")) return;
    token = readToken();
    current = null;
    explanations.clear();
    open.clear();
    say("", false);
    $("invalid").hidden = true;
    $("app").hidden = true;
    $("loading").hidden = false;
    load();
  }
  window.addEventListener("hashchange", onHashChange);

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
