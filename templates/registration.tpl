{{%AUTOESCAPE context="HTML"}}
{{! Page body of the registration flow: see login.tpl. }}
<h1>Create account</h1>{{BI_NEWLINE}}
<div class="messages">{{BI_NEWLINE}}
	{{#MESSAGES}}
		<p class="message message-{{TYPE}}" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/MESSAGES}}
</div>{{BI_NEWLINE}}
{{#FORMS}}
	<form class="form form-{{GROUP}}" action="{{ACTION}}"
	{{BI_SPACE}}method="{{METHOD}}">{{BI_NEWLINE}}
		{{#NODES}}{{>NODE}}{{/NODES}}
	</form>{{BI_NEWLINE}}
{{/FORMS}}
<p class="alt-links">
	Already have an account? <a href="{{LOGIN_URL}}">Sign in</a>
</p>{{BI_NEWLINE}}
