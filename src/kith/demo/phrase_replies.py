"""The demo's phrase bank, part two: the month's story events, replies and the company's own voice (data).

Why a separate module: see ``phrase_bank``; the company's answers are matched to questions by the
keywords in ``FACTS``, and ``EVENTS`` carry the timeline (June delays, July sale, August firmware bug,
September fix and price war, October launch).
"""

from __future__ import annotations

EVENTS: dict[tuple[str, int], dict[str, tuple[str, ...]]] = {
    ("complaint", 6): {
        "en": ("gear:Ordered the {p} {days} days ago and it still says 'in preparation'. Order {order}. {brand}?",),
        "de": ("gear:Bestellung {order} ({p}) seit {days} Tagen 'in Bearbeitung'. {brand}, wann kommt das?",),
    },
    ("complaint", 8): {
        "en": (
            "aurora:Since firmware 2.3 my {p} display shows 0 km range after ten minutes. {brand} fix this please!",
            "aurora:Firmware 2.3 on the {p}: range jumps from 60 km to 0 and the assist cuts out. "
            "Dangerous in traffic.",
        ),
        "de": (
            "aurora:Seit Firmware 2.3 zeigt das Display am {p} nach zehn Minuten 0 km Reichweite. "
            "{brand}, bitte fixen!",
        ),
        "fr": ("aurora:Depuis la mise à jour 2.3, l'écran de mon {p} affiche 0 km d'autonomie. {brand} ?",),
        "ja": ("aurora:ファームウェア2.3にしてから{p}の航続距離が0kmと表示されます…{brand}",),
        "es": ("aurora:Desde la actualización 2.3 la pantalla de mi {p} marca 0 km. {brand}, ¿solución?",),
    },
    ("churn", 8): {
        "en": (
            "aurora:Two weeks with a bike that says 0 km. If 2.3.1 isn't out by Friday the {p} goes "
            "back and I go {comp}.",
        ),
        "de": ("aurora:Zwei Wochen mit 0 km Reichweite auf dem Display. Ohne Fix bis Freitag geht das {p} zurück.",),
    },
    ("praise", 9): {
        "en": (
            "aurora:Firmware 2.3.1 installed at the {store} store in ten minutes. Range display is "
            "back on my {p}. Thanks {brand}!",
        ),
        "de": (
            "aurora:Firmware 2.3.1 in {store} aufgespielt, zehn Minuten. Reichweite am {p} stimmt "
            "wieder. Danke {brand}!",
        ),
    },
    ("competitor", 9): {
        "en": ("bike:{comp} just cut prices by 15% on all e-bikes. Your move {brand}.",),
        "de": ("bike:{comp} senkt die Preise um 15 %. Und ihr, {brand}?",),
    },
    ("intent", 7): {
        "en": ("gear:Summer sale has the {p} at -15%. Finally ordering it {e}",),
        "de": ("gear:Im Sommer-Sale gibt's {p} mit 15 % Rabatt. Jetzt wird bestellt {e}",),
    },
    ("intent", 10): {
        "en": (
            "new:Pre-ordered the {p}! {brand} when do the first ones ship?",
            "new:The {p} looks unreal. Test rides when?",
        ),
        "de": ("new:{p} vorbestellt 🎉 Wann wird geliefert, {brand}?",),
    },
    ("price", 10): {
        "en": ("new:{price} for the {p} is a lot. I'd pay {price2} max.",),
        "de": ("new:{price} für das {p}? Bei {price2} wäre ich dabei.",),
    },
}

REPLY: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "agree": (
            "Same here with mine. Hope they fix it soon.",
            "+1, exactly my experience.",
            "Had the same problem, the {store} store swapped the part in a day.",
        ),
        "answer": (
            "I ride mine {dist} km a day, the battery easily lasts the week in summer.",
            "Yes, it fits, I have one on mine.",
            "Ask for the inspection package, it includes that.",
            "Mine came in 4 days, so it varies.",
        ),
        "counter": (
            "Mine works perfectly, maybe you got a bad batch?",
            "Have you tried resetting the display? Hold the power button for 10 s.",
        ),
        "cheer": ("Looks amazing {e}", "So jealous right now.", "Where was this taken? Gorgeous."),
        "joke": ("At this point just buy a horse 🐴", "My wallet hurts reading this thread."),
        "follow_ok": ("Thanks, DM sent.", "Great, works again!", "Thank you, that was quick 🙏"),
        "follow_sales": (
            "Great, I'll book a test ride for Saturday.",
            "Thanks, that helps!",
            "Perfect, ordering it tonight.",
        ),
        "follow_bad": ("Still waiting…", "That's what you said last week.", "DM sent two days ago, no reply."),
    },
    "de": {
        "agree": ("Bei mir genauso.", "Same hier, seit Wochen.", "Hatte ich auch, in {store} haben sie es getauscht."),
        "answer": (
            "Ich fahre {dist} km am Tag, der Akku hält im Sommer die ganze Woche.",
            "Ja, passt. Hab ich auch dran.",
            "Frag in der Filiale nach, die machen das meistens sofort.",
        ),
        "counter": (
            "Bei mir läuft alles einwandfrei, vielleicht ein Montagsmodell?",
            "Display zehn Sekunden ausschalten hat bei mir geholfen.",
        ),
        "cheer": ("Sieht super aus {e}", "Neid!"),
        "joke": ("Einfach Pferd kaufen 🐴",),
        "follow_ok": ("Danke, DM ist raus.", "Läuft wieder, danke!"),
        "follow_sales": ("Super, dann buche ich eine Probefahrt am Samstag.", "Danke, das hilft!"),
        "follow_bad": ("Immer noch keine Rückmeldung…", "Das habt ihr letzte Woche auch gesagt."),
    },
    "fr": {
        "agree": ("Pareil pour moi.",),
        "answer": ("Oui, ça passe sans problème.",),
        "counter": ("Le mien marche très bien, bizarre.",),
        "cheer": ("Magnifique {e}",),
        "joke": ("Mon portefeuille pleure 😅",),
        "follow_ok": ("Merci, c'est envoyé.",),
        "follow_bad": ("Toujours rien…",),
    },
    "es": {
        "agree": ("¡A mí me pasó lo mismo!",),
        "answer": ("Sí, a mí me llegó en una semana.",),
        "counter": ("El mío va perfecto.",),
        "cheer": ("¡Qué chulo! {e}",),
        "joke": ("Mi cartera llora 😅",),
        "follow_ok": ("Gracias, ya os escribí.",),
        "follow_bad": ("Sigo esperando…",),
    },
    "ja": {
        "agree": ("同じ症状です…",),
        "answer": ("私のは一週間で届きましたよ。",),
        "counter": ("私のは問題ないですよ！",),
        "cheer": ("素敵です{e}",),
        "joke": ("財布が泣いてます😅",),
        "follow_ok": ("ありがとうございます、DMしました。",),
        "follow_bad": ("まだ連絡がありません…",),
    },
}

COMPANY: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "sorry": (
            "Hi {name}, we're really sorry about this. Could you send us your order number by DM? "
            "We'll sort it out today. – {agent}",
            "That's not the experience we want you to have, {name}. Our service team will contact you today. – {agent}",
        ),
        "answer": ("Hi {name}! {fact} – {agent}",),
        "thanks": (
            "Thank you {name}, this made our day! 🙌 – {agent}",
            "Love to hear it, {name}! Enjoy the ride ⚡ – {agent}",
        ),
        "idea": ("Great idea, {name}! We've passed it on to our product team. – {agent}",),
        "sales": ("Come by any of our stores for a free test ride, {name}, or book one on our website. – {agent}",),
        "price": ("We hear you, {name}. Subscribe to our newsletter, there's a sale every summer. – {agent}",),
        "retain": (
            "{name}, please give us one more chance. Could you DM us your phone number? We'll call "
            "you today. – {agent}",
        ),
        "compare": ("Thanks for the fair comparison, {name}! Happy to set up a back-to-back test ride. – {agent}",),
        "firmware": (
            "Sorry {name}! Firmware 2.3.1 fixes the range display; any Nordlicht store installs it "
            "in ten minutes, no appointment needed. – {agent}",
        ),
        "resolve": (
            "Thanks {name}! We've arranged a replacement, it ships within two working days. – {agent}",
            "Thanks {name}, all sorted: you'll get a 50 € voucher for the trouble. – {agent}",
            "Got it, {name}. A colleague from the workshop will call you tomorrow morning. – {agent}",
        ),
        "resolve_sales": (
            "You're welcome, {name}! See you in the store. – {agent}",
            "Happy to help, {name}. Enjoy your new ride! – {agent}",
        ),
    },
    "de": {
        "sorry": (
            "Hallo {name}, das tut uns sehr leid! Schick uns bitte deine Bestellnummer per DM, wir "
            "kümmern uns heute noch. – {agent}",
            "Das ist nicht der Service, den wir wollen, {name}. Unser Team meldet sich heute bei dir. – {agent}",
        ),
        "answer": ("Hallo {name}! {fact} – {agent}",),
        "thanks": ("Danke dir, {name}! Das freut das ganze Team 🙌 – {agent}",),
        "idea": ("Super Idee, {name}! Wir geben das an unser Produktteam weiter. – {agent}",),
        "sales": ("Komm gern zur kostenlosen Probefahrt in eine unserer Filialen, {name}. – {agent}",),
        "price": ("Verstehen wir, {name}. Im Newsletter kündigen wir jeden Sale zuerst an. – {agent}",),
        "retain": (
            "{name}, gib uns bitte noch eine Chance. Schick uns deine Nummer per DM, wir rufen heute an. – {agent}",
        ),
        "compare": ("Danke für den fairen Vergleich, {name}! Wir organisieren gern eine Probefahrt. – {agent}",),
        "firmware": (
            "Sorry {name}! Firmware 2.3.1 behebt die Reichweitenanzeige, jede Filiale spielt sie in "
            "zehn Minuten auf. – {agent}",
        ),
        "resolve": (
            "Danke {name}! Ersatz ist veranlasst und geht in zwei Werktagen raus. – {agent}",
            "Danke {name}, erledigt: Für den Ärger gibt es einen 50-€-Gutschein. – {agent}",
            "Alles klar, {name}. Unsere Werkstatt ruft dich morgen früh an. – {agent}",
        ),
        "resolve_sales": ("Gern, {name}! Bis bald in der Filiale. – {agent}",),
    },
    "fr": {
        "sorry": (
            "Bonjour {name}, désolés pour ce souci ! Envoyez-nous votre numéro de commande en message privé. – {agent}",
        ),
        "thanks": ("Merci {name} ! 🙌 – {agent}",),
        "answer": ("Bonjour {name} ! Oui, nous livrons en France en 3 à 5 jours. – {agent}",),
    },
    "es": {
        "sorry": (
            "Hola {name}, ¡lo sentimos mucho! Escríbenos por mensaje privado con tu número de pedido. – {agent}",
        ),
        "thanks": ("¡Gracias {name}! 🙌 – {agent}",),
        "answer": ("¡Hola {name}! Sí, enviamos a España en 3-5 días. – {agent}",),
    },
    "ja": {
        "sorry": ("{name}様、ご不便をおかけして申し訳ございません。DMで注文番号をお知らせください。– {agent}",),
        "thanks": ("{name}様、ありがとうございます！🙌 – {agent}",),
        "answer": ("{name}様、お問い合わせありがとうございます。EU外への発送は現在準備中です。– {agent}",),
    },
}
# an answer for each kind of question: (keywords found in the question, English answer, German answer)
FACTS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("child seat", "Kindersitz"),
        "The rear rack takes 27 kg, so a child seat fits.",
        "Der Gepäckträger trägt 27 kg, ein Kindersitz passt.",
    ),
    (
        ("compatible", "kompatibel"),
        "All our parts from model year 2025 on fit each other; the store can check yours.",
        "Alle Teile ab Modelljahr 2025 passen zusammen; die Filiale prüft das gern für dich.",
    ),
    (
        ("winter", "Winter"),
        "Expect about 20-30% less range below 5 °C; keep the battery indoors overnight.",
        "Rechne bei unter 5 °C mit 20-30 % weniger Reichweite; den Akku nachts drinnen lagern.",
    ),
    (
        ("appointment", "Termin"),
        "No appointment needed on weekdays, just drop by.",
        "Unter der Woche ohne Termin, komm einfach vorbei.",
    ),
    (("size M", "Größe M"), "Size M is back in stock next week.", "Größe M ist nächste Woche wieder da."),
    (
        ("return",),
        "Yes, the 30-day return covers anything in resaleable condition.",
        "Ja, 30 Tage Rückgabe für alles in verkaufsfähigem Zustand.",
    ),
    (
        ("weigh",),
        "It weighs exactly what the box says; the website figure was without pedals. We'll fix that.",
        "Das Gewicht auf dem Karton stimmt, die Website-Angabe war ohne Pedale.",
    ),
    (
        ("student",),
        "Students get 10% in all our stores with a valid student ID.",
        "Studierende bekommen in allen Filialen 10 % mit gültigem Ausweis.",
    ),
    (
        ("second hand",),
        "Yes, the warranty goes with the product; just keep the original receipt.",
        "Ja, die Garantie gilt auch für Zweitbesitzer mit dem Originalbeleg.",
    ),
    (
        ("2,000 m",),
        "It's rated down to -4 °C comfort, fine for summer nights at altitude.",
        "Bis -4 °C Komfort, für Sommernächte in den Bergen gut geeignet.",
    ),
    (
        ("France", "España", "日本"),
        "We ship to all EU countries in 3-5 days.",
        "Wir liefern in alle EU-Länder in 3-5 Tagen.",
    ),
)
AGENTS = ("Mia", "Jonas", "Aylin", "Tom")
COMPANY_FOR_THEME = {
    "complaint": "sorry",
    "question": "answer",
    "praise": "thanks",
    "idea": "idea",
    "intent": "sales",
    "price": "price",
    "churn": "retain",
    "competitor": "compare",
}
COMPANY_POSTS: dict[str, tuple[str, ...]] = {
    "en": (
        "Tour tip of the week: the Elbe cycle path from Hamburg to Lauenburg. Who has ridden it? 🚲",
        "Rain test: the Sturm jacket spent 24 hours under a shower. Guess what happened 💧",
        "What should we build next? Tell us below 👇",
        "Our Wien store now opens on Sundays for test rides.",
        "Packing list for a first bikepacking night: what's on yours? ⛺",
    ),
    "de": (
        "Tourentipp der Woche: der Elberadweg von Hamburg nach Lauenburg. Wer ist ihn schon gefahren? 🚲",
        "Was sollen wir als Nächstes bauen? Schreibt es in die Kommentare 👇",
        "Regentest: die Sturmjacke 24 Stunden unter der Dusche. Ratet mal 💧",
    ),
}
MONTH_POSTS: dict[int, dict[str, str]] = {
    6: {
        "en": "Sorry for the delays on tent orders: a shipment got stuck in port. Everything ships by 20 June.",
        "de": (
            "Entschuldigt die Verzögerungen bei Zelt-Bestellungen: eine Lieferung hing im Hafen fest. "
            "Bis 20. Juni geht alles raus."
        ),
    },
    7: {
        "en": "Summer sale: 15% off all tents and backpacks until 31 July ☀️⛺",
        "de": "Sommer-Sale: 15 % auf alle Zelte und Rucksäcke bis 31. Juli ☀️⛺",
    },
    8: {
        "en": (
            "We know about the range display issue after firmware 2.3 on the Aurora. A fix is in testing, update soon."
        ),
        "de": "Wir kennen das Problem mit der Reichweitenanzeige nach Firmware 2.3 am Aurora. Ein Fix ist im Test.",
    },
    9: {
        "en": "Firmware 2.3.1 is out: it fixes the Aurora range display. Any Nordlicht store installs it for free.",
        "de": "Firmware 2.3.1 ist da und behebt die Reichweitenanzeige am Aurora. Kostenlos in jeder Filiale.",
    },
    10: {
        "en": "Meet the new Borealis E-MTB 2027: 750 Wh, new motor, pre-orders open today ⚡",
        "de": "Das neue Borealis E-MTB 2027 ist da: 750 Wh, neuer Motor, ab heute vorbestellbar ⚡",
    },
}
