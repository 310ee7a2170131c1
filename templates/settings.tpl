{{%AUTOESCAPE context="HTML"}}
{{!
  Page body of the settings flow (see login.tpl): one section per form,
  headed by its group through the IS_<group> booleans of each form.
}}
<h1>Account settings</h1>{{BI_NEWLINE}}
<div class="messages">{{BI_NEWLINE}}
	{{#MESSAGES}}
		<p class="message message-{{TYPE}}" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/MESSAGES}}
</div>{{BI_NEWLINE}}
{{#SETUP}}
	<p class="alt-links setup-skip"><a href="{{SKIP_URL}}"
	{{BI_SPACE}}data-testid="mfa-setup-skip">Not now</a>: you can set
	{{BI_SPACE}}this up later from this page.</p>{{BI_NEWLINE}}
{{/SETUP}}
{{#FORMS}}
	<section class="settings-section settings-{{GROUP}}"
	{{BI_SPACE}}id="{{GROUP}}">{{BI_NEWLINE}}
		{{#IS_PROFILE}}<h2>Profile</h2>{{BI_NEWLINE}}{{/IS_PROFILE}}
		{{#IS_PASSWORD}}<h2>Change password</h2>{{BI_NEWLINE}}{{/IS_PASSWORD}}
		{{#IS_TOTP}}<h2>Authenticator app</h2>{{BI_NEWLINE}}{{/IS_TOTP}}
		{{#IS_LOOKUP_SECRET}}
			<h2>Backup recovery codes</h2>{{BI_NEWLINE}}
		{{/IS_LOOKUP_SECRET}}
		{{#IS_SESSIONS}}
			<h2>Devices</h2>{{BI_NEWLINE}}
			<p>Where you are signed in.  Sign out any device you do
			{{BI_SPACE}}not recognise.</p>{{BI_NEWLINE}}
		{{/IS_SESSIONS}}
		<form class="form form-{{GROUP}}" action="{{ACTION}}"
		{{BI_SPACE}}method="{{METHOD}}">{{BI_NEWLINE}}
			{{#NODES}}{{>NODE}}{{/NODES}}
		</form>{{BI_NEWLINE}}
	</section>{{BI_NEWLINE}}
{{/FORMS}}
<p class="alt-links"><a href="{{HOME_URL}}">Back to the home page</a></p>
{{BI_NEWLINE}}
