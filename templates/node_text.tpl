{{%AUTOESCAPE context="HTML"}}
{{!
  A text node: the TOTP secret, backup recovery codes...  Its
  attributes.text is a message object (id, text, type), so it becomes the
  section TEXT holding the variable TEXT; the label (META/LABEL) says what
  the text is.
}}
<div class="field node-text" id="{{DOM_ID}}">{{BI_NEWLINE}}
	{{#META}}{{#LABEL}}
		<p class="node-text-label">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/LABEL}}{{/META}}
	{{#SECRET}}{{#ATTRIBUTES}}{{#TEXT}}
		<p class="node-text-value" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">
			<code>{{TEXT}}</code>
		</p>{{BI_NEWLINE}}
	{{/TEXT}}{{/ATTRIBUTES}}{{/SECRET}}
	{{#PROSE}}{{#ATTRIBUTES}}{{#TEXT}}
		<p class="node-text-prose message-{{TYPE}}" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/TEXT}}{{/ATTRIBUTES}}{{/PROSE}}
	{{#MESSAGES}}
		<p class="message message-{{TYPE}}" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/MESSAGES}}
</div>{{BI_NEWLINE}}
