import reflex as rx

def index():
    return rx.el.div(rx.el.label("Kullanıcı kodu", html_for="u"), rx.el.input(id="u"))

app = rx.App()
app.add_page(index, route="/")
