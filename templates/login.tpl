{{%AUTOESCAPE context="HTML"}}
{{!
  Page body of the login flow, included by layout.tpl as BODY.  It sees
  the view's top-level members (MESSAGES, FORMS...) and the
  template-global nav values.  Never use MESSAGES inside FORMS: sections
  look names up in their parents and would find the flow's messages.
  Each node renders with the partial named by its "tpl:NODE".
}}
{{#FIRST_FACTOR}}<h1>Sign in</h1>{{BI_NEWLINE}}{{/FIRST_FACTOR}}
{{#REAUTH}}<h1>Confirm it is you</h1>{{BI_NEWLINE}}{{/REAUTH}}
{{#SECOND_FACTOR}}
	<h1>Second factor</h1>{{BI_NEWLINE}}
	<p>Enter the code your authenticator app shows, or one of your
	{{BI_SPACE}}recovery codes.</p>{{BI_NEWLINE}}
{{/SECOND_FACTOR}}
<div class="messages">{{BI_NEWLINE}}
	{{#MESSAGES}}
		<p class="message message-{{TYPE}}" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/MESSAGES}}
</div>{{BI_NEWLINE}}
{{#FORMS}}
	<form class="form form-{{GROUP}}" action="{{ACTION}}"
	{{BI_SPACE}}method="{{METHOD}}">{{BI_NEWLINE}}
		{{#IS_TOTP}}
			<h2>Authenticator app</h2>{{BI_NEWLINE}}
		{{/IS_TOTP}}
		{{#IS_LOOKUP_SECRET}}
			<h2>Backup recovery code</h2>{{BI_NEWLINE}}
		{{/IS_LOOKUP_SECRET}}
		{{#NODES}}{{>NODE}}{{/NODES}}
	</form>{{BI_NEWLINE}}
{{/FORMS}}
{{#FIRST_FACTOR}}
<p class="alt-links">
	No account? <a href="{{REGISTRATION_URL}}">Sign up</a>
</p>{{BI_NEWLINE}}
{{/FIRST_FACTOR}}
{{#SECOND_FACTOR}}
<p class="alt-links">
	Not you, or no way to get a code?
	{{BI_SPACE}}{{#SIGNED_IN}}<a href="{{LOGOUT_URL}}">Sign out</a>{{/SIGNED_IN}}
</p>{{BI_NEWLINE}}
{{/SECOND_FACTOR}}
