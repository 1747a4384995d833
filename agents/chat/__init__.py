"""The staff chat: understands simple requests and routes them to graphs."""
