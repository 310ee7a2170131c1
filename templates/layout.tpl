{{%AUTOESCAPE context="HTML"}}
{{!
  The page frame; the page body comes in as the include BODY.

  All templates are loaded with STRIP_WHITESPACE, which drops indentation
  and line breaks, so they can be indented freely; BI_NEWLINE puts a
  line break back after block elements to keep the output readable.  Text
  that continues on the next template line needs an explicit space.

  The nav variables are template-global (the view's "global" object), so
  the page body and node partials see them too.  ctemplate has no "else",
  hence the two sections SIGNED_IN and SIGNED_OUT.
}}
<!DOCTYPE html>{{BI_NEWLINE}}
<html lang="en">{{BI_NEWLINE}}
<head>{{BI_NEWLINE}}
	<meta charset="utf-8">{{BI_NEWLINE}}
	<meta name="viewport" content="width=device-width, initial-scale=1">{{BI_NEWLINE}}
	<meta name="referrer" content="same-origin">{{BI_NEWLINE}}
	<title>{{TITLE}} · Gatehouse</title>{{BI_NEWLINE}}
	<link rel="stylesheet" href="{{STATIC_URL}}css/gatehouse.css">{{BI_NEWLINE}}
</head>{{BI_NEWLINE}}
<body>{{BI_NEWLINE}}
<header class="site-header">{{BI_NEWLINE}}
	<a class="brand" href="{{HOME_URL}}">Gatehouse</a>{{BI_NEWLINE}}
	<nav class="site-nav" aria-label="Account">{{BI_NEWLINE}}
	{{#SIGNED_IN}}
		<span class="whoami">Signed in as <strong>{{USER}}</strong></span>
		<span class="sep"> | </span>
		<a href="{{SETTINGS_URL}}">Settings</a>
		<span class="sep"> | </span>
		<a href="{{LOGOUT_URL}}">Sign out</a>{{BI_NEWLINE}}
	{{/SIGNED_IN}}
	{{#SIGNED_OUT}}
		<a href="{{LOGIN_URL}}">Sign in</a>
		<span class="sep"> | </span>
		<a href="{{REGISTRATION_URL}}">Sign up</a>{{BI_NEWLINE}}
	{{/SIGNED_OUT}}
	</nav>{{BI_NEWLINE}}
</header>{{BI_NEWLINE}}
<main class="card">{{BI_NEWLINE}}
{{>BODY}}
</main>{{BI_NEWLINE}}
<footer class="site-footer">{{BI_NEWLINE}}
	<p>Gatehouse · works without JavaScript</p>{{BI_NEWLINE}}
</footer>{{BI_NEWLINE}}
</body>{{BI_NEWLINE}}
</html>{{BI_NEWLINE}}
