"""The demo's phrase bank: what people and the company say, per theme and language (data only).

Why a separate module: the templates are data that writers of the demo tune often; keeping them apart
from the slot-filling logic in ``phrases`` keeps both readable. See ``phrases`` for the slot names.
"""

from __future__ import annotations

T: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "complaint": (
            "part:My {p} stopped charging after {n} weeks. Ticket open for {days} days, no answer. "
            "Not impressed, {brand}.",
            "Ordered the {p} {days} days ago, order {order}, still not shipped. What is going on {brand}?",
            "gear:The zipper on my {p} broke on the second trip. For {price} I expected better.",
            "bike:Third time in the workshop with my {p}. The motor grinds on every climb.",
            "The {p} arrived scratched. Box was fine, so it happened before packing. {brand}",
            "Waited 40 minutes in the {store} store for a test ride I had booked. Nobody knew about it.",
            "gear:Rain came through the seams of my {p} on day one. 'Fully waterproof' my foot.",
            "Hotline queue 25 minutes, then disconnected. Twice. {brand} please call me back.",
            "part:The {p} gets really hot and smells burnt. Stopped using it, obviously.",
            "bike:Brakes on my {p} squeal like a tram since the first service. Not what I paid {price} for.",
        ),
        "question": (
            "bike:Does the {p} take a child seat on the rear rack? {brand}",
            "Quick question {brand}: is the {p} compatible with the {p2}?",
            "bike:How long does the {p} battery really last in winter? I commute {dist} km a day.",
            "Can I return the {p} if I only tried it once indoors?",
            "Do I need an appointment for the inspection at the {store} store or can I just drop by?",
            "What does the {p} actually weigh? Website says one thing, the box another.",
            "gear:When is the {p} back in stock in size M? {brand}",
            "Any student discount on the {p}?",
            "gear:Has anyone used the {p} above 2,000 m? Worth it?",
            "Does the warranty cover the {p} if I bought it second hand?",
            "Please delete my personal data and close my account under GDPR. How long does that take, {brand}?",
        ),
        "praise": (
            "{km} km with the {p} this summer and not a single issue. Love it {e}",
            "Shout-out to the team in the {store} store, they fixed my {p} in 20 minutes while I had a coffee.",
            "gear:The {p} kept me dry through two days of Scottish rain. Worth every cent.",
            "bike:Best purchase this year: the {p}. Commuting is actually fun now {e}",
            "Support answered within an hour and a new part arrived the next day. That's how it's done {brand}.",
            "gear:A week in Lapland with the {p}. Cosy at -8 °C {e}",
            "Honestly did not expect the {p} to be this light.",
            "bike:Family tour with the {p}: 4 days, 2 kids, zero complaints (from the bike at least) {e}",
        ),
        "idea": (
            "bike:Idea for {brand}: a bottle-cage mount on the {p}. Would buy it immediately.",
            "Please make the {p} in a darker colour. The mint is not for everyone.",
            "Would love an app that shows the battery health of my {p}. Hint hint {brand}",
            "Why not offer a trade-in for old batteries? Mine from 2021 still works, just smaller.",
            "Suggestion: let us book test rides online for the {store} store.",
            "A rental option for the {p} before buying would be great.",
        ),
        "intent": (
            "Thinking about getting the {p}. Anyone with long-term experience?",
            "Going to the {store} store on Saturday to try the {p}. Pretty sure I'll buy it {e}",
            "Saving up for the {p}. Birthday money, here I come {e}",
            "{p} or {p2}? Need something for weekend trips, budget around {price}.",
            "My partner wants the {p} for our trip to Norway. Any reason not to?",
            "Just ordered the {p} {e} Fingers crossed it arrives before the holidays.",
        ),
        "price": (
            "{price} for the {p}? I'd pay {price2} tops.",
            "The {p} at {price} is steep, but still cheaper than what {comp} asks.",
            "If the {p} dropped to {price2} I'd order two.",
            "Why is the {p} more expensive in Switzerland than in Germany? {brand}",
            "Paid {price} for the {p} and no regrets. Quality costs.",
        ),
        "churn": (
            "Last chance {brand}. If my {p} isn't fixed by Friday I'm switching to {comp}.",
            "Done. Cancelled my order {order} and bought from {comp} instead.",
            "After the third broken {p} I'm returning it. Never again {brand}.",
            "Not renewing my extended warranty. Service has gone downhill.",
        ),
        "competitor": (
            "bike:Test rode the {comp} and the {p} back to back. The {p} climbs better, the {comp} is quieter.",
            "Anyone compared the {p} with the {comp} equivalent? Reading reviews all evening.",
            "My friend's {comp} has the nicer app, but my {p} has the better battery.",
            "{comp} or {brand}? Asking for a friend (the friend is me).",
        ),
        "spam": (
            "🔥🔥 Make €500 a day from home!! DM me for details 🔥🔥",
            "Cheap followers 👉 best-follows.example, 1000 for €2!",
            "WIN a free e-bike!!! Click the link in my bio 🚲💰",
            "Crypto signals, 300% gains guaranteed, join now 🚀🚀",
            "Sub4sub? Check out my unboxing channel!!!",
        ),
        "chatter": (
            "Anyone else watching the Tour highlights tonight?",
            "Rain again. The bike stays in the basement today.",
            "Lovely sunset on the river today {e}",
            "Coffee first, then the hills.",
            "This heat is unreal. Who rides at noon?!",
            "Found a hedgehog on the cycle path this morning 🦔",
        ),
    },
    "de": {
        "complaint": (
            "part:Mein {p} lädt seit {n} Wochen nicht mehr richtig. Ticket seit {days} Tagen offen, "
            "keine Antwort. {brand}?",
            "Bestellung {order} ({p}) ist immer noch nicht verschickt. Ärgerlich.",
            "gear:{p}: Reißverschluss nach zwei Touren kaputt. Für {price} erwarte ich mehr.",
            "Hotline: 30 Minuten Warteschleife, dann aufgelegt. Super, {brand}.",
            "bike:Zum dritten Mal in der Werkstatt mit meinem {p}. Der Motor knirscht am Berg.",
            "40 Minuten in der Filiale {store} auf die gebuchte Probefahrt gewartet. Niemand wusste Bescheid.",
        ),
        "question": (
            "bike:Passt auf das {p} ein Kindersitz auf den Gepäckträger? {brand}",
            "bike:Wie lange hält der Akku vom {p} im Winter? Pendle {dist} km am Tag.",
            "Muss man für die Inspektion in {store} einen Termin machen?",
            "gear:Wann gibt es {p} wieder in Größe M? {brand}",
            "Ist {p} mit {p2} kompatibel?",
            "Bitte löschen Sie meine Daten nach DSGVO Art. 17 und bestätigen Sie es mir schriftlich. {brand}",
        ),
        "praise": (
            "bike:{km} km mit dem {p} diesen Sommer, kein einziges Problem. Top! {e}",
            "Großes Lob an das Team in {store}: {p} in 20 Minuten repariert, während ich Kaffee getrunken habe.",
            "gear:{p} hat zwei Tage Dauerregen im Harz ausgehalten. Jeden Cent wert.",
            "bike:Bester Kauf des Jahres: das {p}. Pendeln macht wieder Spaß {e}",
            "Der Service von {brand} ist echt klasse. Antwort nach einer Stunde, Ersatzteil am nächsten Tag.",
        ),
        "idea": (
            "bike:Idee für {brand}: eine Halterung für Flaschenhalter am {p}. Würde ich sofort kaufen.",
            "Bitte eine App, die den Akkuzustand anzeigt! {brand}",
            "Probefahrten online buchen für die Filiale {store} wäre super.",
            "{p} bitte auch in Schwarz matt 🙏",
        ),
        "intent": (
            "Überlege, mir {p} zu holen. Erfahrungen?",
            "Samstag geht's nach {store} zur Probefahrt: {p}. Ich glaube, das wird was {e}",
            "{p} oder {p2}? Budget so um die {price}.",
            "Gerade {p} bestellt {e}",
        ),
        "price": (
            "{price} für {p}? Mehr als {price2} würde ich nicht zahlen.",
            "{p} für {price} ist happig, aber immer noch günstiger als bei {comp}.",
            "Wenn {p} auf {price2} runtergeht, kaufe ich sofort.",
        ),
        "churn": (
            "Letzte Chance, {brand}. Wenn mein {p} bis Freitag nicht repariert ist, wechsle ich zu {comp}.",
            "Bestellung {order} storniert, jetzt bei {comp} bestellt. Schade eigentlich.",
        ),
        "competitor": (
            "bike:{p} und {comp} direkt verglichen: das {p} zieht besser am Berg, {comp} ist leiser.",
            "Hat jemand {p} mit dem Modell von {comp} verglichen?",
        ),
        "spam": ("Verdiene 500 € am Tag von zu Hause!!! Schreib mir 🔥",),
        "chatter": (
            "Schon wieder Regen. Das Rad bleibt heute im Keller.",
            "Sonnenuntergang an der Elbe heute {e}",
            "Erst Kaffee, dann Berge.",
            "Wer fährt bei 35 Grad mittags Rad?!",
        ),
    },
    "fr": {
        "complaint": (
            "part:Mon {p} ne charge plus depuis {n} semaines. Toujours pas de réponse du SAV {brand} 😤",
            "Commande {order} toujours pas expédiée après {days} jours…",
        ),
        "question": (
            "Est-ce que {p} est livrable en France ? {brand}",
            "bike:Quelle autonomie réelle pour le {p} en montagne ?",
        ),
        "praise": (
            "{km} km avec {p} cet été, aucun souci. Bravo {brand} {e}",
            "gear:{p} : testé sous l'orage à Annecy, parfait.",
        ),
        "idea": ("Ce serait top d'avoir {p} en noir mat.",),
        "intent": ("J'hésite entre {p} et {p2}. Des avis ?",),
        "price": ("{price} pour {p}, c'est cher quand même.",),
        "churn": ("Si personne ne me répond d'ici vendredi, je passe chez {comp}.",),
        "competitor": ("{comp} ou {p} ? {p} a l'air plus solide.",),
        "spam": ("Gagnez un vélo électrique gratuit !!! Lien dans ma bio 🚲💰",),
        "chatter": ("Encore de la pluie à Lyon. Le vélo reste au garage.",),
    },
    "es": {
        "complaint": (
            "Mi {p} llegó con el cuadro rayado. Pedido {order}. ¿Qué hago, {brand}?",
            "part:Mi {p} no carga desde hace {n} semanas y nadie responde 😡",
        ),
        "question": ("¿Hacéis envíos a España de {p}? {brand}",),
        "praise": ("¡{p} es una pasada! {km} km por los Pirineos sin problemas {e}",),
        "idea": ("Estaría genial una versión de {p} más ligera.",),
        "intent": ("Estoy pensando en comprar {p}. ¿Opiniones?",),
        "price": ("{price} por {p}… un poco caro, la verdad.",),
        "churn": ("Si no me solucionáis lo de {p} esta semana, me paso a {comp}.",),
        "competitor": ("¿Alguien ha comparado {p} con {comp}?",),
        "spam": ("¡¡Gana dinero desde casa!! Escríbeme 💸",),
        "chatter": ("Qué calor hace hoy en Valencia 🥵",),
    },
    "ja": {
        "complaint": (
            "part:{p}のバッテリーが{n}週間で充電できなくなりました。サポートから返事がありません…{brand}",
            "注文{order}がまだ届きません😢",
        ),
        "question": ("{p}は日本に発送できますか？{brand}",),
        "praise": ("{p}で{km}km走りました！最高です{e}",),
        "idea": ("{p}の黒色があったら絶対買います！",),
        "intent": ("{p}を買おうか迷っています。使っている方いますか？",),
        "price": ("{p}、{price}はちょっと高いかな…",),
        "churn": ("対応が遅すぎる。次は{comp}にします。",),
        "competitor": ("{comp}と{p}、どっちがいいんだろう🤔",),
        "spam": ("副業で月100万円！詳しくはDMで💰",),
        "chatter": ("今日は雨なので自転車はお休み☔",),
    },
}

# (theme, month) -> language -> templates that tell the month's story; the product is forced by the prefix
