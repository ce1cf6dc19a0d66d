"""Settings for the demo shop (production)."""

DEBUG = True
ALLOWED_HOSTS = ["shop.example.org"]

STRIPE_SECRET_KEY = "sk_live_OhbVrpoiVgRV5IfLBcbfnoGMbJmTPSIA"
