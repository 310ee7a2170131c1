{{%AUTOESCAPE context="HTML"}}
{{!
  Page body of the home page.  SIGNED_IN and SIGNED_OUT are
  template-global; SESSION is the Kratos session when signed in.
}}
{{#SIGNED_IN}}
	<h1>Welcome back</h1>{{BI_NEWLINE}}
	<p>You are signed in as <strong>{{USER}}</strong>.</p>{{BI_NEWLINE}}
	{{#SESSION}}
		<dl class="session">{{BI_NEWLINE}}
			<dt>Assurance level</dt>
			<dd>{{AUTHENTICATOR_ASSURANCE_LEVEL}}</dd>{{BI_NEWLINE}}
			<dt>Signed in at</dt>
			<dd>{{AUTHENTICATED_AT}}</dd>{{BI_NEWLINE}}
			<dt>Session expires at</dt>
			<dd>{{EXPIRES_AT}}</dd>{{BI_NEWLINE}}
			{{#AUTHENTICATION_METHODS}}
				<dt>Signed in with</dt>
				<dd>{{METHOD}} ({{AAL}})</dd>{{BI_NEWLINE}}
			{{/AUTHENTICATION_METHODS}}
		</dl>{{BI_NEWLINE}}
	{{/SESSION}}
	<p class="alt-links">
		<a href="{{SETTINGS_URL}}">Account settings</a>
		<span class="sep"> | </span>
		<a href="{{LOGOUT_URL}}">Sign out</a>
	</p>{{BI_NEWLINE}}
{{/SIGNED_IN}}
{{#SIGNED_OUT}}
	<h1>Welcome to Gatehouse</h1>{{BI_NEWLINE}}
	<p>
		Sign in to manage your account, or create one if you are new
		{{BI_SPACE}}here.
	</p>{{BI_NEWLINE}}
	<p class="alt-links">
		<a href="{{LOGIN_URL}}">Sign in</a>
		<span class="sep"> | </span>
		<a href="{{REGISTRATION_URL}}">Create account</a>
	</p>{{BI_NEWLINE}}
{{/SIGNED_OUT}}
